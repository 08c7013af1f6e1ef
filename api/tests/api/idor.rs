//! The object-level matrix (IDOR, issue 7): every documented route with an
//! id, aimed at real objects of one branch of the organisation by every
//! profile that must not see them, with bodies the route would accept.
//! Always 404 (existence must not leak), never the object's data, nothing
//! changed, and only refusals added to the audit log.
//!
//! Who must not see what is asked of the policy, not written here: every
//! attacker stands to the objects in the same documented way (see
//! [`hidden`]); an object whose read question the policy refuses to an
//! attacker is a target for every route on it. With the default policy
//! that makes everything a target for the expert, confirmed and novice of
//! the other branch; works, projects, approvals and tokens for the admin;
//! organisations, projects, approvals and tokens for the webmaster.
//!
//! The routes come from the OpenAPI document; a new route with an id fails
//! this test until it says which object its id names.

use diesel::prelude::*;
use habilis_api::db::schema::{
    api_tokens, approvals, audit_log, instance_configurations, instances, invitations, kb_articles,
    memberships, offerings, orders, organizations, participants, projects, users, works,
};
use habilis_shared::policy::{
    Action, Actor, OrgCapability, Policy, Profile, ProjectRelation, Relation, Resource, WorkState,
};
use serde_json::{json, Value};

use crate::helpers::*;

async fn id_of(res: reqwest::Response) -> String {
    let status = res.status();
    let v: Value = res.json().await.expect("json");
    assert!(status.is_success(), "{v}");
    v["id"].as_str().expect("id").to_owned()
}

/// What the row counts of attacks.rs do not show: states, roles,
/// revocations, decisions, names.
type States = (
    Vec<(String, String)>,
    Vec<(String, String, String)>,
    Vec<(String, String, String)>,
    Vec<(String, String)>,
    Vec<Option<String>>,
    Vec<String>,
    Vec<Option<chrono::NaiveDateTime>>,
    Vec<Option<chrono::NaiveDateTime>>,
    Vec<(String, String)>,
    Vec<(String, String, Option<String>)>,
    Vec<(String, Option<chrono::NaiveDateTime>)>,
    // Instances (state, kept, deleted) and saved configurations.
    (
        Vec<(
            String,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
        )>,
        Vec<String>,
    ),
);

fn states(c: &mut habilis_api::db::DbConn) -> States {
    (
        works::table
            .select((works::owner_id, works::state))
            .order(works::id)
            .load(c)
            .expect("works"),
        users::table
            .select((users::state, users::first_name, users::email))
            .order(users::id)
            .load(c)
            .expect("users"),
        memberships::table
            .select((memberships::user_id, memberships::role, memberships::state))
            .order((memberships::organization_id, memberships::user_id))
            .load(c)
            .expect("memberships"),
        participants::table
            .select((participants::id, participants::state))
            .order(participants::id)
            .load(c)
            .expect("participants"),
        approvals::table
            .select(approvals::decision)
            .order(approvals::id)
            .load(c)
            .expect("approvals"),
        organizations::table
            .select(organizations::name)
            .order(organizations::id)
            .load(c)
            .expect("organizations"),
        invitations::table
            .select(invitations::revoked_at)
            .order(invitations::id)
            .load(c)
            .expect("invitations"),
        api_tokens::table
            .select(api_tokens::revoked_at)
            .order(api_tokens::id)
            .load(c)
            .expect("tokens"),
        projects::table
            .select((projects::name, projects::state))
            .order(projects::id)
            .load(c)
            .expect("projects"),
        orders::table
            .select((orders::offering_id, orders::state, orders::comment))
            .order(orders::id)
            .load(c)
            .expect("orders"),
        offerings::table
            .select((offerings::description, offerings::retired_at))
            .order(offerings::id)
            .load(c)
            .expect("offerings"),
        (
            instances::table
                .select((instances::state, instances::kept_at, instances::deleted_at))
                .order(instances::id)
                .load(c)
                .expect("instances"),
            instance_configurations::table
                .select(instance_configurations::id)
                .order(instance_configurations::id)
                .load(c)
                .expect("configurations"),
        ),
    )
}

/// Whether the policy hides the object a route's first segment names from
/// `profile`, standing to it as every attacker here does: no supervision
/// link to its owner (`Other`), no role in its organisation, not named in
/// its project, not the approver it waits for. Tokens are answered by
/// ownership alone (`/me/tokens/{id}` only finds one's own): always hidden.
fn hidden(policy: &Policy, profile: Profile, kind: &str) -> bool {
    let (action, resource) = match kind {
        "users" => (
            Action::UserRead,
            Resource::Account {
                profile: Profile::Novice,
                relation: Relation::Other,
            },
        ),
        "works" => (
            Action::WorkRead,
            Resource::Work {
                owner: Profile::Novice,
                relation: Relation::Other,
                state: WorkState::Draft,
            },
        ),
        "organizations" => (
            Action::Org(OrgCapability::ProjectsReadNames),
            Resource::Organization { role: None },
        ),
        // The catalog is nobody's secret: every account holder reads it,
        // and changing it is refused with a 403 (routes.rs).
        "catalog" => return false,
        // So are the engines: listed for every account holder; changing
        // them is refused with a 403 (routes.rs).
        "engines" => return false,
        // A job is seen by its owner, the project's managers and those who
        // see the owner's activity: none of them is an attacker.
        "jobs" => (
            Action::JobRead,
            Resource::Job {
                org_role: None,
                relation: ProjectRelation::None,
                owner: Profile::Novice,
                owner_relation: Relation::Other,
            },
        ),
        // Datasets, files and orders are decided on as their project.
        // Instances are decided on as a service of their project that is
        // not the attacker's.
        "instances" => (
            Action::InstanceRead,
            Resource::Service {
                org_role: None,
                relation: ProjectRelation::None,
                mine: false,
            },
        ),
        "projects" | "datasets" | "files" | "orders" => (
            Action::ProjectReadName,
            Resource::Project {
                org_role: None,
                relation: ProjectRelation::None,
            },
        ),
        "approvals" => (
            Action::ApprovalDecide,
            Resource::Approval { approver: false },
        ),
        // A local desk is known to its organisation's members, its agents
        // and the administrators; a ticket to its requester, participants
        // and desk agents (administrators included: nobody else).
        "desks" => (
            Action::DeskRead,
            Resource::Desk {
                group: false,
                org_role: None,
                agent: false,
                agent_elsewhere: false,
            },
        ),
        "tickets" => (
            Action::TicketRead,
            Resource::Ticket {
                requester: false,
                participant: false,
                agent: false,
            },
        ),
        // A draft article of the knowledge base: its desk agents (none
        // here) and the profiles the policy names read it.
        "kb" => (Action::KbReadDrafts, Resource::Kb { desk_agent: false }),
        // Tokens and uploads are found by their owner alone (an upload
        // only by the account that began it).
        "me" | "uploads" => return true,
        other => panic!("say which object /{other}/{{id}} names and who sees it"),
    };
    !policy
        .decide(&Actor::new(profile, true), &action, &resource)
        .allowed
}

#[actix_web::test]
async fn no_profile_reaches_what_the_policy_hides_from_it() {
    let app = TestApp::new().await;
    let policy = app.state.policy.clone();
    let h = app.hierarchy().await;
    // The other branch: an expert, a confirmed and a novice of their own.
    let outsider = app
        .ready(&h.admin, Profile::Expert, "outsider@inserm.fr")
        .await;
    let peer = app
        .ready(&outsider, Profile::Confirmed, "peer@inserm.fr")
        .await;
    let stranger = app
        .ready(&peer, Profile::Novice, "stranger@inserm.fr")
        .await;
    let attackers = [
        (Profile::Admin, &h.admin),
        (Profile::Webmaster, &h.webmaster),
        (Profile::Expert, &outsider),
        (Profile::Confirmed, &peer),
        (Profile::Novice, &stranger),
    ];
    // Everyone accepted the charter: only the object can be the reason.
    for s in [
        &h.novice,
        &h.admin,
        &h.webmaster,
        &outsider,
        &peer,
        &stranger,
    ] {
        app.accept_charter(s).await;
    }

    // Objects of the first branch.
    let token = id_of(
        app.post(
            "/api/v1/me/tokens",
            &h.novice.access,
            json!({ "name": "SECRET-TOKEN", "scopes": ["read"] }),
        )
        .await,
    )
    .await;
    let work = app.job_draft(&h.novice, "SECRET-WORK").await;
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
    // Sponsor and data steward of the first branch too: nobody outside it
    // answers for the project.
    let project = id_of(
        app.post(
            "/api/v1/projects",
            &h.expert.access,
            json!({ "organization_id": org, "name": "SECRET-PROJECT", "data_class": "hds", "domain": "ecology",
                    "sponsor_id": h.confirmed.id, "data_steward_id": h.novice.id }),
        )
        .await,
    )
    .await;
    let participant = id_of(
        app.post(
            &format!("/api/v1/projects/{project}/participants"),
            &h.expert.access,
            json!({ "email": "guest@inserm.fr" }),
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
    // An active project of the first branch with a dataset and a file.
    let data_project = id_of(
        app.post(
            "/api/v1/projects",
            &h.expert.access,
            json!({ "organization_id": org, "name": "SECRET-DATA", "data_class": "hds", "domain": "ecology",
                    "sponsor_id": h.confirmed.id, "data_steward_id": h.novice.id }),
        )
        .await,
    )
    .await;
    app.approve(&data_project, &[&h.confirmed, &h.novice]).await;
    let dataset = id_of(
        app.post(
            &format!("/api/v1/projects/{data_project}/datasets"),
            &h.expert.access,
            json!({ "name": "SECRET-DATASET" }),
        )
        .await,
    )
    .await;
    let file = id_of(
        app.client
            .put(app.url(&format!("/api/v1/datasets/{dataset}/files/secret.txt")))
            .bearer_auth(&h.expert.access)
            .body("SECRET-BYTES")
            .send()
            .await
            .expect("sent"),
    )
    .await;

    // A queued job of the novice's in it (no replica runs jobs here).
    let engine = id_of(
        app.post(
            "/api/v1/engines",
            &h.admin.access,
            json!({ "name": "SECRET-ENGINE", "command": ["true"], "timeout_secs": 5 }),
        )
        .await,
    )
    .await;
    let job = id_of(
        app.post(
            &format!("/api/v1/projects/{data_project}/jobs"),
            &h.novice.access,
            json!({ "engine_id": engine, "name": "SECRET-JOB" }),
        )
        .await,
    )
    .await;

    // An order for it, by the novice (a manager of the organisation).
    let order = id_of(
        app.post(
            &format!("/api/v1/projects/{data_project}/orders"),
            &h.novice.access,
            json!({ "offering_id": "postgresql", "comment": "SECRET-ORDER" }),
        )
        .await,
    )
    .await;

    // A (stopped) instance of the expert's from that order, with its
    // credentials; and a saved configuration of the novice's.
    let instance = uuid::Uuid::now_v7().to_string();
    {
        use habilis_api::instances::queries::{insert, InstanceRow};
        let now = habilis_api::clock::db_time(chrono::Utc::now());
        let row = InstanceRow {
            id: instance.clone(),
            order_id: order.clone(),
            project_id: data_project.clone(),
            offering_id: "postgresql".into(),
            owner_id: h.expert.id.clone(),
            name: "SECRET-INSTANCE".into(),
            config: "{}".into(),
            state: "stopped".into(),
            spawner_kind: "local".into(),
            handle: None,
            open_url: Some("postgresql://SECRET-USER@127.0.0.1:1/db".into()),
            secrets: Some(r#"{"secrets":{"password":"SECRET-PASSWORD"}}"#.into()),
            failure: None,
            created_at: now,
            started_at: Some(now),
            stopped_at: Some(now),
            last_activity_at: None,
            idle_notice_at: None,
            kept_at: None,
            deleted_at: None,
            lease_owner: None,
            lease_until: None,
        };
        app.with_db(move |c| insert(c, &row).expect("instance"))
            .await;
    }
    let configuration = id_of(
        app.post(
            "/api/v1/me/configurations",
            &h.novice.access,
            json!({ "name": "SECRET-CONFIGURATION", "offering_id": "postgresql", "config": {} }),
        )
        .await,
    )
    .await;

    // An upload into it, begun by the expert.
    let res = app
        .client
        .post(app.url(&format!("/api/v1/datasets/{dataset}/uploads")))
        .bearer_auth(&h.expert.access)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "100")
        .header("Upload-Metadata", "filename c2VjcmV0LXVwbG9hZC5iaW4=")
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 201);
    let upload = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .and_then(|l| l.rsplit('/').next())
        .expect("location")
        .to_owned();

    // The organisation's local desk (the expert its agent), and a
    // ticket of the novice's there.
    let desk = app.local_desk(&h.admin, &org).await;
    let res = app
        .post(
            &format!("/api/v1/desks/{desk}/agents"),
            &h.admin.access,
            json!({ "account_id": h.expert.id }),
        )
        .await;
    assert_eq!(res.status(), 201, "an agent of the desk");
    let created: Value = app
        .post(
            "/api/v1/tickets",
            &h.novice.access,
            json!({ "desk_id": desk, "type": "incident", "category": "printer",
                    "subject": "SECRET-TICKET", "body": "SECRET-TICKET-BODY" }),
        )
        .await
        .json()
        .await
        .expect("json");
    let ticket = created["ticket"]["id"].as_str().expect("ticket").to_owned();
    let attachment = id_of(
        app.client
            .post(app.url(&format!(
                "/api/v1/tickets/{ticket}/attachments?name=SECRET-ATTACHMENT.txt"
            )))
            .bearer_auth(&h.novice.access)
            .body("SECRET-ATTACHMENT-BYTES")
            .send()
            .await
            .expect("sent"),
    )
    .await;
    // A draft of the knowledge base, by the admin.
    let kb_draft = id_of(
        app.post(
            "/api/v1/kb/articles",
            &h.admin.access,
            json!({ "title": "SECRET-KB-DRAFT", "body": "SECRET-KB-BODY" }),
        )
        .await,
    )
    .await;

    // The default policy hides at least this (SPEC §2.5, §4): a test that
    // tries nothing cannot pass unnoticed.
    let kinds = [
        "users",
        "works",
        "organizations",
        "projects",
        "approvals",
        "me",
    ];
    for (profile, _) in attackers {
        let hides: Vec<&str> = kinds
            .into_iter()
            .filter(|k| hidden(&policy, profile, k))
            .collect();
        let at_least: &[&str] = match profile {
            Profile::Admin => &["works", "projects", "approvals", "me"],
            Profile::Webmaster => &["organizations", "projects", "approvals", "me"],
            _ => &kinds,
        };
        for k in at_least {
            assert!(hides.contains(k), "the policy shows {k} to the {profile}");
        }
    }

    let secrets = [
        "SECRET-TOKEN",
        "SECRET-WORK",
        "SECRET-ORG",
        "SECRET-PROJECT",
        "SECRET-DATASET",
        "SECRET-BYTES",
        "SECRET-ORDER",
        "SECRET-TICKET",
        ticket.as_str(),
        "SECRET-ATTACHMENT",
        attachment.as_str(),
        order.as_str(),
        job.as_str(),
        "SECRET-JOB",
        "SECRET-INSTANCE",
        "SECRET-USER",
        "SECRET-PASSWORD",
        "SECRET-CONFIGURATION",
        "SECRET-KB-DRAFT",
        "SECRET-KB-BODY",
        kb_draft.as_str(),
        instance.as_str(),
        configuration.as_str(),
        "secret.txt",
        dataset.as_str(),
        file.as_str(),
        upload.as_str(),
        "secret-upload.bin",
        h.novice.email.as_str(),
        h.novice.id.as_str(),
        "pending@inserm.fr",
        "guest@inserm.fr",
        token.as_str(),
        work.as_str(),
        org.as_str(),
        invitation.as_str(),
        project.as_str(),
        participant.as_str(),
        approval.as_str(),
    ];
    let counts_before = app.with_db(crate::attacks::counts).await;
    let states_before = app.with_db(states).await;
    let seq_before: i64 = app
        .with_db(|c| {
            audit_log::table
                .select(diesel::dsl::max(audit_log::seq))
                .first::<Option<i64>>(c)
                .expect("seq")
                .unwrap_or(0)
        })
        .await;
    let in_a_month = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let in_two = (chrono::Utc::now() + chrono::Duration::days(60)).to_rfc3339();
    let mut tried = std::collections::BTreeMap::new();
    let mut wrong = Vec::new();
    // Every documented operation on an object, whatever its method.
    for DocumentedOp { method, path, .. } in documented_operations() {
        // OPTIONS is tus discovery: it reads nothing, whatever the id.
        if !path.contains('{') || path.starts_with("/api/v1/invitations/") || method == "OPTIONS" {
            continue;
        }
        let root = path.trim_start_matches("/api/v1/");
        let kind = root.split('/').next().unwrap_or_default();
        let id = match kind {
            "users" => &h.novice.id,
            "works" => &work,
            "organizations" => &org,
            "projects" => &project,
            "approvals" => &approval,
            "datasets" => &dataset,
            "files" => &file,
            "orders" => &order,
            "instances" => &instance,
            "me" if path.contains("/configurations/") => &configuration,
            "catalog" | "engines" => continue,
            "jobs" => &job,
            "desks" => &desk,
            "tickets" => &ticket,
            "kb" => &kb_draft,
            "uploads" => &upload,
            "me" => &token,
            other => panic!("{path}: say which object /{other}/{{id}} names"),
        };
        let url = path
            .replace("{id}", id)
            .replace("{user_id}", &h.novice.id)
            .replace("{invitation_id}", &invitation)
            .replace("{participant_id}", &participant)
            .replace("{account_id}", &h.expert.id)
            .replace("{attachment_id}", &attachment)
            .replace("{path}", "pwned.txt");
        assert!(!url.contains('{'), "{path}: unknown parameter");
        for (profile, who) in attackers {
            if !hidden(&policy, profile, kind) {
                continue;
            }
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
                ("POST", "invitations") => Some(json!({ "emails": who.email, "role": "manager" })),
                ("POST", "participants") if kind == "tickets" => {
                    Some(json!({ "account_id": who.id }))
                }
                ("POST", "participants") => Some(json!({ "email": who.email })),
                ("POST", "datasets") => Some(json!({ "name": "pwned" })),
                ("POST", "orders") => Some(json!({ "offering_id": "postgresql" })),
                ("POST", "jobs") => Some(json!({ "engine_id": engine })),
                ("POST", "instances") => Some(json!({ "name": "pwned" })),
                ("DELETE", "{id}") if kind == "instances" => {
                    Some(json!({ "confirm": "SECRET-INSTANCE" }))
                }
                ("PATCH", _) if kind == "orders" => Some(json!({ "comment": "pwned" })),
                ("PATCH", _) if kind == "kb" => {
                    Some(json!({ "title": "pwned", "state": "published" }))
                }
                ("POST", "decision") => Some(json!({ "decision": "approve" })),
                ("POST", "agents") => Some(json!({ "account_id": who.id })),
                ("POST", "comments") => Some(json!({ "body": "pwned" })),
                ("POST", "assign") => Some(json!({ "agent_id": who.id })),
                ("POST", "escalate") => Some(json!({ "reason": "pwned" })),
                ("POST", "resolve") => Some(json!({ "resolution": "pwned" })),
                ("PATCH", "{user_id}") => Some(json!({ "role": "manager" })),
                ("PATCH", _) if kind == "works" => Some(json!({ "project_id": null })),
                ("PATCH", "{id}") if kind == "users" => {
                    Some(json!({ "first_name": "pwned", "email": "pwned@inserm.fr" }))
                }
                ("PATCH", _) => Some(json!({ "name": "pwned" })),
                ("POST", _) => Some(json!({})),
                _ => None,
            };
            // tus requests as a tus client sends them: only authorisation
            // may refuse.
            let res = if kind == "uploads" || url.ends_with("/uploads") {
                app.client
                    .request(method.parse().expect("method"), app.url(&url))
                    .bearer_auth(&who.access)
                    .header("Tus-Resumable", "1.0.0")
                    .header("Upload-Length", "3")
                    .header("Upload-Offset", "0")
                    .header("Upload-Metadata", "filename cHduZWQ=")
                    .header("Content-Type", "application/offset+octet-stream")
                    .body("abc")
                    .send()
                    .await
                    .expect("sent")
            } else {
                app.request(method, &url, Some(&who.access), body).await
            };
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            if status != 404 {
                wrong.push(format!("{method} {path} by the {profile}: {status} {text}"));
            }
            for s in secrets {
                if text.contains(s) {
                    wrong.push(format!(
                        "{method} {path} by the {profile} leaks {s}: {text}"
                    ));
                }
            }
            *tried.entry(profile).or_insert(0) += 1;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for (profile, _) in attackers {
        let n = tried.get(&profile).copied().unwrap_or(0);
        assert!(n >= 10, "the {profile} tried only {n} routes");
    }
    assert_eq!(
        app.with_db(crate::attacks::counts).await,
        counts_before,
        "an attempt added or removed rows"
    );
    assert_eq!(
        app.with_db(states).await,
        states_before,
        "an attempt changed something"
    );
    let draft_now: (String, String, String) = app
        .with_db(move |c| {
            kb_articles::table
                .find(kb_draft)
                .select((kb_articles::title, kb_articles::body, kb_articles::state))
                .first(c)
                .expect("the draft")
        })
        .await;
    assert_eq!(
        draft_now,
        (
            "SECRET-KB-DRAFT".into(),
            "SECRET-KB-BODY".into(),
            "draft".into()
        ),
        "an attempt changed the draft article"
    );
    let added: Vec<(String, String)> = app
        .with_db(move |c| {
            audit_log::table
                .filter(audit_log::seq.gt(seq_before))
                .select((audit_log::action, audit_log::outcome))
                .load(c)
                .expect("audit")
        })
        .await;
    let done: Vec<_> = added.iter().filter(|(_, o)| o != "denied").collect();
    assert!(done.is_empty(), "audited as done: {done:?}");
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(
        matches!(verdict, habilis_api::audit::Verdict::Ok { .. }),
        "{verdict:?}"
    );
}

//! An article drafted from a solved ticket (issue 18 §4,
//! `POST /tickets/{id}/article`): only once the ticket has a resolution,
//! only by those who write articles, and without the e-mail addresses and
//! the names of the people of the ticket.

use habilis_shared::policy::Profile;
use serde_json::{json, Value};

use crate::helpers::*;

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).expect("json")
}

#[actix_web::test]
async fn a_resolved_ticket_makes_a_draft_without_names_or_addresses() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    // Accounts are named "Test <profile>".
    let agent = app
        .ready(&h.expert, Profile::Confirmed, "kb.agent@inserm.fr")
        .await;
    let org = json_of(
        app.post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "Article lab" }),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .expect("org")
        .to_owned();
    for (emails, role) in [
        (vec![h.novice.email.clone()], "user"),
        (vec![agent.email.clone()], "contributor"),
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
    let desk = app.local_desk(&h.admin, &org).await;
    let res = app
        .post(
            &format!("/api/v1/desks/{desk}/agents"),
            &h.admin.access,
            json!({ "account_id": agent.id }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let thread = json_of(
        app.post(
            "/api/v1/tickets",
            &h.novice.access,
            json!({ "desk_id": desk, "type": "incident", "category": "vpn",
                    "subject": "The VPN drops for Test Novice",
                    "body": "Hello, I am Test novice (novice@inserm.fr). The VPN drops every hour." }),
        )
        .await,
        201,
    )
    .await;
    let ticket = thread["ticket"]["id"].as_str().expect("ticket").to_owned();
    let url = format!("/api/v1/tickets/{ticket}/article");

    // No resolution yet: nothing to draft.
    problem(
        app.request("POST", &url, Some(&agent.access), None).await,
        409,
    )
    .await;
    let resolution =
        "Renew the certificate, <vpn-team@inserm.fr> if it comes back. TEST CONFIRMED.";
    let res = app
        .post(
            &format!("/api/v1/tickets/{ticket}/resolve"),
            &agent.access,
            json!({ "resolution": resolution }),
        )
        .await;
    assert_eq!(res.status(), 200);
    // The requester reads the ticket but writes no article.
    problem(
        app.request("POST", &url, Some(&h.novice.access), None)
            .await,
        403,
    )
    .await;

    let draft = json_of(
        app.request("POST", &url, Some(&agent.access), None).await,
        201,
    )
    .await;
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["source_ticket_id"], ticket.as_str());
    assert_eq!(draft["title"], "The VPN drops for [name] [name]");
    let body = draft["body"].as_str().expect("body");
    assert!(body.contains("## Question"), "{body}");
    assert!(body.contains("## Resolution"), "{body}");
    assert!(body.contains("[name] [name] ([e-mail])"), "{body}");
    assert!(body.contains("Renew the certificate, <[e-mail]>"), "{body}");
    let lower = body.to_lowercase();
    for gone in ["novice", "confirmed", "test", "@inserm.fr"] {
        assert!(!lower.contains(gone), "{gone} left in {body}");
    }
    // Agents read the draft; it is not published.
    let id = draft["id"].as_str().expect("id");
    let res = app
        .get(&format!("/api/v1/kb/articles/{id}"), &agent.access)
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .request("GET", &format!("/api/v1/kb/articles/{id}"), None, None)
        .await;
    assert_eq!(res.status(), 404);
}

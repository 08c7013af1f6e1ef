//! The knowledge base (issue 18 §4): articles written by desk agents (and
//! administrators), published ones readable without an account, drafts
//! hidden (404) from everyone else; Markdown rendered safely; full-text
//! search (SQLite FTS5, PostgreSQL tsvector) ranked with highlighted
//! snippets, whatever is typed; suggestions while a ticket is written.

use diesel::prelude::*;
use habilis_api::db::schema::{audit_log, kb_articles};
use serde_json::{json, Value};

use crate::helpers::*;

async fn body(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// `GET path` with these query parameters (encoded), as `token` or
/// anonymously.
async fn get_with(
    app: &TestApp,
    path: &str,
    query: &[(&str, &str)],
    token: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.get(app.url(path)).query(query);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("sent")
}

async fn write(app: &TestApp, token: &str, article: Value) -> Value {
    body(app.post("/api/v1/kb/articles", token, article).await, 201).await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

#[actix_web::test]
async fn articles_are_written_published_and_deleted_by_their_writers() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;

    // Arrange: a draft about a service of the catalog, with hostile Markdown.
    let draft = write(
        &app,
        &h.admin.access,
        json!({
            "title": "  Reset a JupyterLab  ",
            "body": "# Steps\n\nRun `restart`.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(2)>",
            "service": "jupyterlab",
        }),
    )
    .await;
    let id = draft["id"].as_str().expect("id").to_owned();
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["title"], "Reset a JupyterLab");
    assert_eq!(draft["service"], "jupyterlab");
    assert!(draft["published_at"].is_null());
    assert_eq!(draft["created_by"], h.admin.id.as_str());
    let html = draft["body_html"].as_str().expect("html");
    assert!(
        html.contains("<h1>Steps</h1>") && html.contains("<code>restart</code>"),
        "{html}"
    );
    for bad in ["<script", "javascript:", "onerror"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }

    // A draft: its writers and the webmaster read it; nobody else knows it.
    let path = format!("/api/v1/kb/articles/{id}");
    body(app.get(&path, &h.admin.access).await, 200).await;
    body(app.get(&path, &h.webmaster.access).await, 200).await;
    for s in [&h.expert, &h.confirmed, &h.novice] {
        problem(app.get(&path, &s.access).await, 404).await;
    }
    problem(app.request("GET", &path, None, None).await, 404).await;
    // Changing a draft one may not see: 404 too, nothing changed.
    let res = app
        .request(
            "PATCH",
            &path,
            Some(&h.novice.access),
            Some(json!({ "title": "pwned" })),
        )
        .await;
    problem(res, 404).await;
    problem(
        app.request("DELETE", &path, Some(&h.novice.access), None)
            .await,
        404,
    )
    .await;

    // Act: publish it.
    let published = body(
        app.request(
            "PATCH",
            &path,
            Some(&h.admin.access),
            Some(json!({ "state": "published", "title": "Restart a JupyterLab" })),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(published["state"], "published");
    assert!(published["published_at"].is_string());
    assert_eq!(published["title"], "Restart a JupyterLab");
    assert_eq!(published["body"], draft["body"]);

    // Assert: everyone reads it, anonymous visitors included, without the
    // desk's details.
    let public = body(app.request("GET", &path, None, None).await, 200).await;
    assert_eq!(public["title"], "Restart a JupyterLab");
    assert!(public["created_by"].is_null() && public["source_ticket_id"].is_null());
    body(app.get(&path, &h.novice.access).await, 200).await;
    // Reading is not writing: 403 now that it is visible.
    let res = app
        .request(
            "PATCH",
            &path,
            Some(&h.novice.access),
            Some(json!({ "title": "pwned" })),
        )
        .await;
    problem(res, 403).await;
    problem(
        app.request("DELETE", &path, Some(&h.expert.access), None)
            .await,
        403,
    )
    .await;
    let again = body(app.request("GET", &path, None, None).await, 200).await;
    assert_eq!(again["title"], "Restart a JupyterLab");

    // Withdrawn: a draft again, published_at cleared.
    let withdrawn = body(
        app.request(
            "PATCH",
            &path,
            Some(&h.admin.access),
            Some(json!({ "state": "draft", "service": "" })),
        )
        .await,
        200,
    )
    .await;
    assert!(withdrawn["published_at"].is_null());
    assert!(withdrawn["service"].is_null());
    problem(app.request("GET", &path, None, None).await, 404).await;

    // Deleted.
    let res = app
        .request("DELETE", &path, Some(&h.admin.access), None)
        .await;
    assert_eq!(res.status(), 204);
    problem(app.get(&path, &h.admin.access).await, 404).await;

    // Each change audited, with its writer.
    let rows: Vec<(String, Option<String>, String)> = app
        .with_db(|c| {
            audit_log::table
                .filter(audit_log::action.like("kb.%"))
                .order(audit_log::seq)
                .select((audit_log::action, audit_log::actor_id, audit_log::outcome))
                .load(c)
                .expect("audit")
        })
        .await;
    let done: Vec<&str> = rows
        .iter()
        .filter(|(_, _, o)| o == "success")
        .map(|(a, _, _)| a.as_str())
        .collect();
    assert_eq!(done, ["kb.create", "kb.update", "kb.update", "kb.delete"]);
    assert!(rows
        .iter()
        .filter(|(_, _, o)| o == "success")
        .all(|(_, actor, _)| actor.as_deref() == Some(h.admin.id.as_str())));
}

#[actix_web::test]
async fn bad_articles_change_nothing() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let cases = [
        (json!({ "title": "   " }), "title"),
        (json!({ "title": "" }), "title"),
        (json!({ "title": "x".repeat(201) }), "title"),
        (
            json!({ "title": "Fine", "service": "no-such-offering" }),
            "service",
        ),
        (
            json!({ "title": "Fine", "body": "x".repeat(50_001) }),
            "body",
        ),
    ];
    for (article, field) in cases {
        let v = problem(
            app.post("/api/v1/kb/articles", &h.admin.access, article)
                .await,
            422,
        )
        .await;
        assert!(v["errors"][field].is_array(), "{field}: {v}");
    }
    let res = app
        .post(
            "/api/v1/kb/articles",
            &h.admin.access,
            json!({ "title": "Fine", "created_by": h.novice.id }),
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    // Not a writer: 403 (the policy's reason), nothing written.
    problem(
        app.post(
            "/api/v1/kb/articles",
            &h.expert.access,
            json!({ "title": "Mine" }),
        )
        .await,
        403,
    )
    .await;
    problem(
        app.request(
            "POST",
            "/api/v1/kb/articles",
            None,
            Some(json!({ "title": "Anon" })),
        )
        .await,
        401,
    )
    .await;
    let n: i64 = app
        .with_db(|c| kb_articles::table.count().get_result(c).expect("count"))
        .await;
    assert_eq!(n, 0);

    // A change with a bad field changes nothing either.
    let a = write(&app, &h.admin.access, json!({ "title": "Kept" })).await;
    let path = format!("/api/v1/kb/articles/{}", a["id"].as_str().expect("id"));
    let res = app
        .request(
            "PATCH",
            &path,
            Some(&h.admin.access),
            Some(json!({ "title": "Changed", "service": "no-such-offering" })),
        )
        .await;
    problem(res, 422).await;
    let kept = body(app.get(&path, &h.admin.access).await, 200).await;
    assert_eq!(kept["title"], "Kept");
    problem(
        app.get("/api/v1/kb/articles/no-such-article", &h.admin.access)
            .await,
        404,
    )
    .await;
}

#[actix_web::test]
async fn anonymous_visitors_read_published_articles_only() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let faq = write(
        &app,
        &h.admin.access,
        json!({ "title": "PostgreSQL FAQ", "body": "Ask.", "service": "postgresql", "state": "published" }),
    )
    .await;
    let other = write(
        &app,
        &h.admin.access,
        json!({ "title": "General FAQ", "state": "published" }),
    )
    .await;
    let draft = write(&app, &h.admin.access, json!({ "title": "A draft" })).await;

    let all = body(
        app.request("GET", "/api/v1/kb/articles", None, None).await,
        200,
    )
    .await;
    assert_eq!(
        ids(&all),
        [other["id"].clone(), faq["id"].clone()].map(|v| v.as_str().expect("id").to_owned())
    );
    assert!(all["next_cursor"].is_null());
    let per_service = body(
        get_with(
            &app,
            "/api/v1/kb/articles",
            &[("service", "postgresql")],
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&per_service), [faq["id"].as_str().expect("id")]);
    // Asking for drafts without reading them: none.
    for token in [None, Some(h.novice.access.as_str())] {
        let drafts = body(
            get_with(&app, "/api/v1/kb/articles", &[("state", "draft")], token).await,
            200,
        )
        .await;
        assert!(ids(&drafts).is_empty(), "{drafts}");
    }
    let novice = body(app.get("/api/v1/kb/articles", &h.novice.access).await, 200).await;
    assert_eq!(ids(&novice).len(), 2);
    // The writers see the drafts too, in pages.
    let admin = body(app.get("/api/v1/kb/articles", &h.admin.access).await, 200).await;
    assert_eq!(ids(&admin).len(), 3);
    assert!(ids(&admin).contains(&draft["id"].as_str().expect("id").to_owned()));
    let first = body(
        get_with(
            &app,
            "/api/v1/kb/articles",
            &[("limit", "2")],
            Some(&h.admin.access),
        )
        .await,
        200,
    )
    .await;
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let second = body(
        get_with(
            &app,
            "/api/v1/kb/articles",
            &[("limit", "2"), ("cursor", &cursor)],
            Some(&h.admin.access),
        )
        .await,
        200,
    )
    .await;
    let mut seen = ids(&first);
    seen.extend(ids(&second));
    seen.sort();
    let mut want = ids(&admin);
    want.sort();
    assert_eq!(seen, want);

    // A token sent is checked: a bad one is no anonymous visit.
    problem(
        app.request("GET", "/api/v1/kb/articles", Some("garbage"), None)
            .await,
        401,
    )
    .await;
    problem(
        get_with(&app, "/api/v1/kb/articles", &[("cursor", "???")], None).await,
        422,
    )
    .await;
}

#[actix_web::test]
async fn a_closed_knowledge_base_asks_visitors_to_sign_in() {
    let app = TestApp::builder()
        .policy("[knowledge_base]\npublic_read = false\n")
        .start()
        .await;
    let h = app.hierarchy().await;
    for path in [
        "/api/v1/kb/articles",
        "/api/v1/kb/search?q=vpn",
        "/api/v1/kb/suggest?q=vpn",
    ] {
        problem(app.request("GET", path, None, None).await, 401).await;
        body(app.get(path, &h.novice.access).await, 200).await;
    }
}

/// Three published articles and a draft about VPNs.
async fn vpn_articles(app: &TestApp, admin: &Session) -> (String, String, String, String) {
    let in_title = write(
        app,
        &admin.access,
        json!({ "title": "VPN access from home", "body": "Install the client, then sign in with your account.", "state": "published" }),
    )
    .await;
    let in_body = write(
        app,
        &admin.access,
        json!({ "title": "Working remotely", "body": "Outside the campus, connect through the **VPN** first; then open the portal & <b>more</b>.", "state": "published" }),
    )
    .await;
    let unrelated = write(
        app,
        &admin.access,
        json!({ "title": "Printing posters", "body": "The plotter takes A0 paper.", "state": "published" }),
    )
    .await;
    let draft = write(
        app,
        &admin.access,
        json!({ "title": "VPN outage notes", "body": "Internal: the VPN concentrator was rebooted." }),
    )
    .await;
    let id = |v: &Value| v["id"].as_str().expect("id").to_owned();
    (id(&in_title), id(&in_body), id(&unrelated), id(&draft))
}

#[actix_web::test]
async fn search_ranks_title_hits_first_and_highlights_safely() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let (in_title, in_body, _, draft) = vpn_articles(&app, &h.admin).await;

    // Anonymous: published articles, the title hit first.
    let page = body(
        get_with(&app, "/api/v1/kb/search", &[("q", "vpn")], None).await,
        200,
    )
    .await;
    assert_eq!(ids(&page), [in_title.clone(), in_body.clone()], "{page}");
    let first = &page["items"][0];
    assert_eq!(first["title_html"], "<mark>VPN</mark> access from home");
    let snippet = page["items"][1]["snippet_html"].as_str().expect("snippet");
    assert!(snippet.contains("<mark>VPN</mark>"), "{snippet}");
    // The text is escaped; the marks are the only markup.
    assert!(snippet.contains("&amp;"), "{snippet}");
    assert!(
        !snippet.contains("<b>") && !snippet.contains("**"),
        "{snippet}"
    );
    let stripped = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !stripped.contains('<') && !stripped.contains('>'),
        "{snippet}"
    );

    // The last word may be the start of one; every word must appear.
    let page = body(
        get_with(&app, "/api/v1/kb/search", &[("q", "vp")], None).await,
        200,
    )
    .await;
    assert_eq!(ids(&page).len(), 2);
    let page = body(
        get_with(&app, "/api/v1/kb/search", &[("q", "VPN portal")], None).await,
        200,
    )
    .await;
    assert_eq!(ids(&page), [in_body.as_str()]);

    // Drafts: found by those who read them, with their state.
    let page = body(
        get_with(
            &app,
            "/api/v1/kb/search",
            &[("q", "vpn")],
            Some(&h.admin.access),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&page).len(), 3);
    let found = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == draft.as_str())
        .expect("the draft");
    assert_eq!(found["state"], "draft");
    let page = body(
        get_with(
            &app,
            "/api/v1/kb/search",
            &[("q", "vpn")],
            Some(&h.novice.access),
        )
        .await,
        200,
    )
    .await;
    assert!(!ids(&page).contains(&draft));

    // Pages of hits.
    let first = body(
        get_with(
            &app,
            "/api/v1/kb/search",
            &[("q", "vpn"), ("limit", "1")],
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&first), [in_title.as_str()]);
    let cursor = first["next_cursor"].as_str().expect("next").to_owned();
    let second = body(
        get_with(
            &app,
            "/api/v1/kb/search",
            &[("q", "vpn"), ("limit", "1"), ("cursor", &cursor)],
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&second), [in_body.as_str()]);
    assert!(second["next_cursor"].is_null());

    // A title holding markup is escaped too.
    let tricky = write(
        &app,
        &h.admin.access,
        json!({ "title": "Zebra <img src=x onerror=alert(1)> \u{e000}guide", "state": "published" }),
    )
    .await;
    assert_eq!(tricky["title"], "Zebra <img src=x onerror=alert(1)> guide");
    let page = body(
        get_with(&app, "/api/v1/kb/search", &[("q", "zebra")], None).await,
        200,
    )
    .await;
    assert_eq!(
        page["items"][0]["title_html"],
        "<mark>Zebra</mark> &lt;img src=x onerror=alert(1)&gt; guide"
    );

    // Changes reach the index at once: renamed, found by its new words;
    // deleted, gone.
    let path = format!("/api/v1/kb/articles/{in_body}");
    body(
        app.request(
            "PATCH",
            &path,
            Some(&h.admin.access),
            Some(json!({ "body": "Nothing about networks any more." })),
        )
        .await,
        200,
    )
    .await;
    let page = body(
        get_with(&app, "/api/v1/kb/search", &[("q", "vpn")], None).await,
        200,
    )
    .await;
    assert_eq!(ids(&page), [in_title.as_str()]);
    let page = body(
        get_with(&app, "/api/v1/kb/search", &[("q", "networks")], None).await,
        200,
    )
    .await;
    assert_eq!(ids(&page), [in_body.as_str()]);
    let res = app
        .request("DELETE", &path, Some(&h.admin.access), None)
        .await;
    assert_eq!(res.status(), 204);
    let page = body(
        get_with(&app, "/api/v1/kb/search", &[("q", "networks")], None).await,
        200,
    )
    .await;
    assert!(ids(&page).is_empty());
}

#[actix_web::test]
async fn search_survives_hostile_queries() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let (in_title, _, _, _) = vpn_articles(&app, &h.admin).await;
    let long = "vpn ".repeat(250);
    let nasty = [
        "\"",
        "*",
        "OR",
        "AND",
        "NOT",
        "NEAR(",
        "NEAR(vpn access, 2)",
        "'",
        ":",
        "",
        "   ",
        "vpn\" OR \"x",
        "title:vpn",
        "title : vpn",
        "{title body}: vpn",
        "vpn*",
        "^vpn",
        "-vpn",
        "+vpn",
        "a & b | !c <-> d",
        "vpn:*",
        "'vpn':A",
        "\\",
        "()",
        "<script>alert(1)</script>",
        "%",
        "ü",
        "ログイン",
        "😀",
        "²",
        "\u{0345}",
        "\u{0301}a",
        "ǅ ﬁ ß İ",
        "ภาษาไทย",
        "العربية",
        "\u{200b}vpn\u{200b}",
        "\u{e000}vpn\u{e001}",
        long.as_str(),
        &"x".repeat(1000),
        &"\"".repeat(1000),
        &"(".repeat(1000),
    ];
    for q in nasty {
        for path in ["/api/v1/kb/search", "/api/v1/kb/suggest"] {
            let res = get_with(&app, path, &[("q", q)], None).await;
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            assert_eq!(status, 200, "{path} q={q:?}: {text}");
            let v: Value = serde_json::from_str(&text).expect("json");
            assert!(v["items"].is_array(), "{path} q={q:?}: {v}");
        }
    }
    // Operators are words like any other: "vpn OR printing" needs both.
    let page = body(
        get_with(&app, "/api/v1/kb/search", &[("q", "vpn OR printing")], None).await,
        200,
    )
    .await;
    assert!(ids(&page).is_empty(), "{page}");
    let page = body(
        get_with(&app, "/api/v1/kb/search", &[("q", "\"vpn\"")], None).await,
        200,
    )
    .await;
    assert_eq!(ids(&page)[0], in_title);
    // Without the query at all: nothing found.
    let page = body(
        app.request("GET", "/api/v1/kb/search", None, None).await,
        200,
    )
    .await;
    assert!(ids(&page).is_empty());
    // Too long, or a bad page: 422.
    let v = problem(
        get_with(&app, "/api/v1/kb/search", &[("q", &"x".repeat(2001))], None).await,
        422,
    )
    .await;
    assert!(v["errors"]["q"].is_array(), "{v}");
    for (k, val) in [("limit", "0"), ("limit", "51"), ("cursor", "garbage!")] {
        problem(
            get_with(&app, "/api/v1/kb/search", &[("q", "vpn"), (k, val)], None).await,
            422,
        )
        .await;
    }
}

#[actix_web::test]
async fn suggestions_follow_the_ticket_being_written() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let (in_title, in_body, unrelated, draft) = vpn_articles(&app, &h.admin).await;

    let res = get_with(
        &app,
        "/api/v1/kb/suggest",
        &[(
            "q",
            "Hello, my VPN connection is refused since this morning",
        )],
        Some(&h.novice.access),
    )
    .await;
    let page = body(res, 200).await;
    let found = ids(&page);
    assert_eq!(found.first(), Some(&in_title), "{page}");
    assert!(found.contains(&in_body) && !found.contains(&unrelated) && !found.contains(&draft));
    assert!(page["items"][0]["title"].is_string());

    // Any word will do, the last while it is being typed.
    let page = body(
        get_with(&app, "/api/v1/kb/suggest", &[("q", "poster plott")], None).await,
        200,
    )
    .await;
    assert_eq!(ids(&page), [unrelated.as_str()]);
    let page = body(
        get_with(
            &app,
            "/api/v1/kb/suggest",
            &[("q", "vpn"), ("limit", "1")],
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&page), [in_title.as_str()]);
    let page = body(
        get_with(&app, "/api/v1/kb/suggest", &[("q", "")], None).await,
        200,
    )
    .await;
    assert!(ids(&page).is_empty());
    problem(
        get_with(
            &app,
            "/api/v1/kb/suggest",
            &[("q", "vpn"), ("limit", "11")],
            None,
        )
        .await,
        422,
    )
    .await;
}

#[actix_web::test]
async fn a_solved_ticket_drafts_an_article() {
    use habilis_api::kb::service::draft_from;
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    // As the ticket's route will do it: the agent, authorised, drafts it.
    let admin = h.admin.id.clone();
    let id = app
        .with_db(move |c| {
            let caller = habilis_api::auth::Caller {
                user: habilis_api::accounts::queries::find(c, &admin)
                    .expect("query")
                    .expect("admin"),
                credential: habilis_api::auth::Credential::Session { id: "test".into() },
                ctx: habilis_api::auth::ReqCtx {
                    request_id: None,
                    ip: "127.0.0.1".into(),
                },
            };
            draft_from(
                c,
                chrono::Utc::now(),
                &caller,
                "VPN refused after a password change",
                "The VPN refuses my password since I changed it.",
                "Sign out of the VPN client and sign in again: it kept the old password.",
                "ticket-42",
            )
            .expect("drafted")
            .id
        })
        .await;
    let v = body(
        app.get(&format!("/api/v1/kb/articles/{id}"), &h.admin.access)
            .await,
        200,
    )
    .await;
    assert_eq!(v["state"], "draft");
    assert_eq!(v["source_ticket_id"], "ticket-42");
    let html = v["body_html"].as_str().expect("html");
    assert!(
        html.contains("<h2>Question</h2>") && html.contains("<h2>Resolution</h2>"),
        "{html}"
    );
    // A draft: not suggested, not found by those who do not read drafts.
    let page = body(
        get_with(&app, "/api/v1/kb/suggest", &[("q", "vpn password")], None).await,
        200,
    )
    .await;
    assert!(ids(&page).is_empty());
    let page = body(
        get_with(
            &app,
            "/api/v1/kb/search",
            &[("q", "vpn password")],
            Some(&h.admin.access),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&page), [id]);
}

#[actix_web::test]
async fn desk_agents_write_and_read_drafts_whatever_their_profile() {
    use habilis_api::db::schema::{desk_agents, desks};
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    // Arrange: the novice is an agent of the group desk (as its managers
    // would assign them).
    let (novice, admin) = (h.novice.id.clone(), h.admin.id.clone());
    app.with_db(move |c| {
        let desk: String = desks::table
            .filter(desks::kind.eq("group"))
            .select(desks::id)
            .first(c)
            .expect("the group desk");
        diesel::insert_into(desk_agents::table)
            .values((
                desk_agents::desk_id.eq(desk),
                desk_agents::account_id.eq(novice),
                desk_agents::assigned_by.eq(admin),
                desk_agents::created_at.eq(habilis_api::clock::db_time(chrono::Utc::now())),
            ))
            .execute(c)
            .expect("an agent")
    })
    .await;

    // "May I write articles?" is answered as the caller stands.
    for (s, allowed, rule) in [
        (&h.novice, true, "knowledge_base.desk_agent"),
        (&h.expert, false, "knowledge_base.write"),
    ] {
        let v = body(
            app.post(
                "/api/v1/authz/check",
                &s.access,
                json!({ "action": "kb.write" }),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(v["allowed"], allowed, "{v}");
        assert_eq!(v["rule"], rule, "{v}");
    }

    // Act / assert: the agent drafts, reads, publishes; an expert who is
    // no agent neither writes nor sees the draft.
    let draft = write(&app, &h.novice.access, json!({ "title": "Agent's draft" })).await;
    let path = format!("/api/v1/kb/articles/{}", draft["id"].as_str().expect("id"));
    assert_eq!(draft["created_by"], h.novice.id.as_str());
    problem(app.get(&path, &h.expert.access).await, 404).await;
    problem(
        app.post(
            "/api/v1/kb/articles",
            &h.expert.access,
            json!({ "title": "Expert's" }),
        )
        .await,
        403,
    )
    .await;
    let list = body(app.get("/api/v1/kb/articles", &h.novice.access).await, 200).await;
    assert_eq!(ids(&list).len(), 1);
    let page = body(
        get_with(
            &app,
            "/api/v1/kb/search",
            &[("q", "agent")],
            Some(&h.novice.access),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&page).len(), 1);
    let v = body(
        app.request(
            "PATCH",
            &path,
            Some(&h.novice.access),
            Some(json!({ "state": "published" })),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["state"], "published");
    body(app.get(&path, &h.expert.access).await, 200).await;
    let res = app
        .request("DELETE", &path, Some(&h.novice.access), None)
        .await;
    assert_eq!(res.status(), 204);
}

//! Answers in the reader's language (issue 13 §2): `Accept-Language` for a
//! visitor, the account's `language` once signed in; `Content-Language`
//! says which; what programs read (`type`, `status`, field names) never
//! changes with the language.

use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};

async fn ask(
    app: &TestApp,
    accept: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/organizations"))
        .header("accept-language", accept);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request sent")
}

fn content_language(res: &reqwest::Response) -> String {
    res.headers()
        .get("content-language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[actix_web::test]
async fn a_visitor_is_answered_in_the_language_of_accept_language() {
    // arrange
    let app = TestApp::new().await;
    let mut titles = Vec::new();
    for (accept, lang) in [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
        ("de, ja;q=0.3", "ja"),
        ("de", "en"),
        ("", "en"),
    ] {
        // act
        let res = ask(&app, accept, None, None).await;
        // assert
        assert_eq!(content_language(&res), lang, "for {accept:?}");
        let body = problem(res, 401).await;
        assert_eq!(body["type"], "unauthorized");
        titles.push((lang, body["title"].as_str().unwrap_or_default().to_owned()));
    }
    assert_eq!(titles[0].1, "Non connecté");
    assert_eq!(titles[1].1, "サインインしていません");
    assert_eq!(titles[2].1, "Not signed in");
}

#[actix_web::test]
async fn a_signed_in_account_is_answered_in_its_own_language_field_names_unchanged() {
    // arrange: the admin chooses Japanese
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let res = app
        .request(
            "PATCH",
            "/api/v1/me",
            Some(&admin.access),
            Some(json!({ "language": "ja" })),
        )
        .await;
    assert!(res.status().is_success(), "PATCH /me: {}", res.status());

    // act: a body with an unknown field, the browser asking for French
    let res = ask(
        &app,
        "fr",
        Some(&admin.access),
        Some(json!({ "name": "Lab", "colour": "red" })),
    )
    .await;

    // assert: the account's language wins over the header
    assert_eq!(content_language(&res), "ja");
    let body = problem(res, 422).await;
    assert_eq!(body["type"], "validation_failed");
    assert_eq!(body["title"], "無効な項目があります");
    let messages = &body["errors"]["colour"];
    assert_eq!(messages[0], "不明な項目です。", "{body}");
}

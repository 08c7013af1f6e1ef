//! Errors in the reader's language (issue 13 §2): a refusal of the
//! organisations capability (409, 422) comes back in French and in Japanese,
//! title, detail and every field message, with `Content-Language`; the
//! `type` and the field names never change. A signed-in caller is answered
//! in the account's language, whatever `Accept-Language` says (`crate::lang`;
//! a visitor's `Accept-Language` is `language.rs`'s).

use serde_json::{json, Value};

use crate::helpers::*;

/// Sends `body` to `path` as `s`, with `Accept-Language` if given; returns
/// the `Content-Language` and the problem body.
async fn ask(
    app: &TestApp,
    s: &Session,
    path: &str,
    body: Value,
    accept_language: Option<&str>,
    status: u16,
) -> (String, Value) {
    let mut req = app
        .client
        .post(app.url(path))
        .bearer_auth(&s.access)
        .json(&body);
    if let Some(lang) = accept_language {
        req = req.header("Accept-Language", lang);
    }
    let res = req.send().await.expect("request sent");
    let lang = res
        .headers()
        .get("content-language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (lang, problem(res, status).await)
}

async fn set_language(app: &TestApp, s: &Session, language: &str) {
    let res = app
        .request(
            "PATCH",
            "/api/v1/me",
            Some(&s.access),
            Some(json!({ "language": language })),
        )
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
}

#[actix_web::test]
async fn a_capabilitys_refusals_come_back_in_the_readers_language() {
    // arrange: the admin reads French
    let app = TestApp::new().await;
    let admin = app.admin().await;
    set_language(&app, &admin, "fr").await;
    let res = app
        .post(
            "/api/v1/organizations",
            &admin.access,
            json!({ "name": "Lab" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let taken = json!({ "name": "lab" });
    let blank = json!({ "name": "   " });

    // act
    let (lang, conflict) = ask(
        &app,
        &admin,
        "/api/v1/organizations",
        taken.clone(),
        Some("fr-FR,fr;q=0.9"),
        409,
    )
    .await;
    let (lang_422, invalid) = ask(
        &app,
        &admin,
        "/api/v1/organizations",
        blank.clone(),
        Some("fr"),
        422,
    )
    .await;

    // assert
    assert_eq!(lang, "fr");
    assert_eq!(conflict["type"], "name_taken");
    assert_eq!(conflict["title"], "Nom déjà utilisé");
    assert_eq!(conflict["detail"], "Une organisation porte déjà ce nom.");
    assert_eq!(lang_422, "fr");
    assert_eq!(invalid["type"], "validation_failed");
    assert_eq!(invalid["title"], "Champs invalides");
    assert_eq!(invalid["detail"], "Certains champs sont invalides.");
    assert_eq!(
        invalid["errors"],
        json!({ "name": ["Ne doit pas être vide."] })
    );

    // act: Japanese now, the browser still asking for French
    set_language(&app, &admin, "ja").await;
    let (lang, conflict) = ask(
        &app,
        &admin,
        "/api/v1/organizations",
        taken,
        Some("fr"),
        409,
    )
    .await;
    let (lang_422, invalid) = ask(&app, &admin, "/api/v1/organizations", blank, None, 422).await;

    // assert
    assert_eq!(lang, "ja");
    assert_eq!(conflict["type"], "name_taken");
    assert_eq!(conflict["title"], "この名前は使用中です");
    assert_eq!(conflict["detail"], "この名前の組織はすでに存在します。");
    assert_eq!(lang_422, "ja");
    assert_eq!(invalid["type"], "validation_failed");
    assert_eq!(invalid["title"], "無効な項目があります");
    assert_eq!(invalid["detail"], "無効な項目があります。");
    assert_eq!(invalid["errors"], json!({ "name": ["空にできません。"] }));
}

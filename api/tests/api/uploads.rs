//! Resumable uploads with tus 1.0 (issue 15): chunks with per-chunk
//! checksums and the whole-file SHA-256 computed as they stream, the
//! protocol's refusals (each leaving neither rows nor bytes), the quota
//! before any byte, expiry and termination, and the upload's state in the
//! database: a `habilis serve` killed mid-upload (`kill -9`) is resumed by
//! another process, and two processes on one database and one storage
//! directory share an upload.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use diesel::prelude::*;
use habilis_api::clock::Clock;
use habilis_api::db::schema::{audit_log, files, uploads};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::datasets::{bytes, lab, Lab};
use crate::helpers::*;

fn b64(v: impl AsRef<[u8]>) -> String {
    base64::engine::general_purpose::STANDARD.encode(v)
}

/// A tus request: `Tus-Resumable: 1.0.0` unless `headers` says otherwise
/// (`("Tus-Resumable", "")` leaves it out).
async fn tus(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, String)],
    body: Option<Vec<u8>>,
) -> reqwest::Response {
    let client = reqwest::Client::new();
    let mut req = client
        .request(method.parse().expect("method"), format!("{base}{path}"))
        .bearer_auth(token);
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("tus-resumable"))
    {
        req = req.header("Tus-Resumable", "1.0.0");
    }
    for (k, v) in headers {
        if !v.is_empty() {
            req = req.header(*k, v.as_str());
        }
    }
    if let Some(b) = body {
        req = req.body(b);
    }
    req.send().await.expect("sent")
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Creates an upload of `length` bytes at `path`; returns its path
/// (`/api/v1/uploads/…`).
async fn create(
    base: &str,
    token: &str,
    dataset: &str,
    path: &str,
    length: usize,
    sha256: Option<&str>,
) -> String {
    let mut meta = format!(
        "filename {},filetype {}",
        b64(path),
        b64("application/x-test")
    );
    if let Some(s) = sha256 {
        meta.push_str(&format!(",sha256 {}", b64(s)));
    }
    let res = tus(
        base,
        "POST",
        &format!("/api/v1/datasets/{dataset}/uploads"),
        token,
        &[
            ("Upload-Length", length.to_string()),
            ("Upload-Metadata", meta),
        ],
        None,
    )
    .await;
    let status = res.status().as_u16();
    let location = header(&res, "location");
    assert_eq!(status, 201, "{:?}", res.text().await);
    assert!(location.starts_with("/api/v1/uploads/"), "{location}");
    location
}

async fn patch(
    base: &str,
    token: &str,
    upload: &str,
    offset: usize,
    chunk: &[u8],
    extra: &[(&str, String)],
) -> reqwest::Response {
    let mut headers = vec![
        ("Upload-Offset", offset.to_string()),
        ("Content-Type", "application/offset+octet-stream".to_owned()),
    ];
    headers.extend(extra.iter().cloned());
    tus(base, "PATCH", upload, token, &headers, Some(chunk.to_vec())).await
}

async fn offset_of(base: &str, token: &str, upload: &str) -> u64 {
    let res = tus(base, "HEAD", upload, token, &[], None).await;
    assert_eq!(res.status(), 200, "HEAD {upload}");
    assert_eq!(header(&res, "cache-control"), "no-store");
    assert_eq!(header(&res, "tus-resumable"), "1.0.0");
    header(&res, "upload-offset").parse().expect("offset")
}

/// A refused `HEAD`: its status and a problem type, no body.
fn head_refused(res: reqwest::Response, status: u16) {
    assert_eq!(res.status().as_u16(), status);
    assert!(content_type(&res).starts_with("application/problem+json"));
    assert_eq!(header(&res, "tus-resumable"), "1.0.0");
}

async fn counts(app: &TestApp) -> (i64, i64) {
    app.with_db(|c| {
        (
            uploads::table.count().get_result(c).expect("uploads"),
            files::table.count().get_result(c).expect("files"),
        )
    })
    .await
}

/// The targets of the audit rows of `action`, oldest first.
async fn audited(app: &TestApp, action: &'static str) -> Vec<String> {
    app.with_db(move |c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .order(audit_log::seq.asc())
            .select(audit_log::target_id)
            .load::<Option<String>>(c)
            .expect("audit")
            .into_iter()
            .flatten()
            .collect()
    })
    .await
}

/// Staged uploads waiting in the storage: the files under `uploads/` on
/// the local disk; on S3 (`make test-s3`), the multipart uploads in
/// progress under the test's prefix (`upload:<key>`).
async fn staged(app: &TestApp) -> Vec<String> {
    let Some(url) = app.storage_url.clone() else {
        return std::fs::read_dir(objects_root(app).join("uploads"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.path().display().to_string())
                    .collect()
            })
            .unwrap_or_default();
    };
    let store = habilis_api::storage::S3Storage::open(&url).expect("test storage URL");
    actix_web::web::block(move || store.contents())
        .await
        .expect("blocking")
        .expect("list the bucket")
        .into_iter()
        .filter(|o| o.starts_with("upload:"))
        .collect()
}

/// What a `habilis serve` of the test's needs to reach the test's storage:
/// its `HABILIS_STORAGE_URL` and, for S3, the AWS settings.
fn storage_env(app: &TestApp) -> Vec<(String, String)> {
    match &app.storage_url {
        None => vec![(
            "HABILIS_STORAGE_URL".into(),
            format!("file://{}", objects_root(app).display()),
        )],
        Some(url) => std::iter::once(("HABILIS_STORAGE_URL".to_owned(), url.clone()))
            .chain(std::env::vars().filter(|(k, _)| k.starts_with("AWS_")))
            .collect(),
    }
}

fn objects_root(app: &TestApp) -> PathBuf {
    app.state.config.data_dir.join("objects")
}

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

async fn content(base: &str, token: &str, file: &str) -> Vec<u8> {
    let res = reqwest::Client::new()
        .get(format!("{base}/api/v1/files/{file}/content"))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 200);
    res.bytes().await.expect("body").to_vec()
}

#[actix_web::test]
async fn a_file_arrives_in_checksummed_chunks_and_a_corrupted_one_is_refused() {
    let app = TestApp::new().await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let base = app.base.clone();
    let token = h.confirmed.access.clone();

    // What a tus client learns first.
    let res = reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            app.url(&format!("/api/v1/datasets/{dataset}/uploads")),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 204);
    assert_eq!(header(&res, "tus-version"), "1.0.0");
    assert!(header(&res, "tus-extension").contains("creation-with-upload"));
    assert!(header(&res, "tus-extension").contains("checksum"));
    assert_eq!(header(&res, "tus-checksum-algorithm"), "sha1,sha256");
    assert_eq!(
        header(&res, "tus-max-size"),
        app.state.policy.organizations.max_file_bytes.to_string()
    );

    let source = bytes(2 * 1024 * 1024 + 12_345);
    let hex_sha = hex::encode(Sha256::digest(&source));
    let upload = create(
        &base,
        &token,
        &dataset,
        "raw/reads.fastq",
        source.len(),
        Some(&hex_sha),
    )
    .await;
    let res = tus(&base, "HEAD", &upload, &token, &[], None).await;
    assert_eq!(header(&res, "upload-length"), source.len().to_string());
    assert!(
        header(&res, "upload-expires").ends_with(" GMT"),
        "{:?}",
        res.headers()
    );
    assert!(header(&res, "upload-metadata").contains(&b64("raw/reads.fastq")));

    // Odd-sized chunks, each with its checksum (sha1, then sha256).
    let cuts = [0, 700_001, 1_500_000, source.len()];
    for (i, w) in cuts.windows(2).enumerate() {
        let chunk = &source[w[0]..w[1]];
        let checksum = if i % 2 == 0 {
            use sha1::Digest as _;
            format!("sha1 {}", b64(sha1::Sha1::digest(chunk)))
        } else {
            format!("sha256 {}", b64(Sha256::digest(chunk)))
        };
        if i == 1 {
            // Corrupted on the way: refused, discarded, the offset stays.
            let mut bad = chunk.to_vec();
            bad[1000] ^= 0xff;
            let res = patch(
                &base,
                &token,
                &upload,
                w[0],
                &bad,
                &[("Upload-Checksum", checksum.clone())],
            )
            .await;
            let body = problem(res, 460).await;
            assert_eq!(body["type"], "checksum_mismatch");
            assert_eq!(offset_of(&base, &token, &upload).await, w[0] as u64);
            // An algorithm tus does not know here: 400.
            let res = patch(
                &base,
                &token,
                &upload,
                w[0],
                chunk,
                &[("Upload-Checksum", "md5 AAAA".into())],
            )
            .await;
            problem(res, 400).await;
        }
        let res = patch(
            &base,
            &token,
            &upload,
            w[0],
            chunk,
            &[("Upload-Checksum", checksum)],
        )
        .await;
        assert_eq!(res.status(), 204, "chunk {i}");
        assert_eq!(header(&res, "upload-offset"), w[1].to_string());
        assert_eq!(header(&res, "tus-resumable"), "1.0.0");
        if w[1] < source.len() {
            assert!(header(&res, "habilis-file-id").is_empty());
            assert!(!header(&res, "upload-expires").is_empty());
        } else {
            let file = header(&res, "habilis-file-id");
            assert!(!file.is_empty());
            assert_eq!(header(&res, "habilis-file-sha256"), hex_sha);
            assert_eq!(content(&base, &token, &file).await, source);
            let list: Value = app
                .get(&format!("/api/v1/datasets/{dataset}/files"), &token)
                .await
                .json()
                .await
                .expect("json");
            assert_eq!(list["items"][0]["id"], file.as_str());
            assert_eq!(list["items"][0]["sha256"], hex_sha.as_str());
            assert_eq!(list["items"][0]["content_type"], "application/x-test");
            assert_eq!(list["items"][0]["uploaded_by"], h.confirmed.id.as_str());
        }
    }
    // The upload is gone once recorded; its bytes are the file's object.
    head_refused(tus(&base, "HEAD", &upload, &token, &[], None).await, 404);
    assert_eq!(counts(&app).await, (0, 1));
    assert!(staged(&app).await.is_empty());
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(matches!(verdict, habilis_api::audit::Verdict::Ok { .. }));
}

#[actix_web::test]
async fn creation_with_upload_deferred_length_empty_files_and_a_wrong_digest() {
    let app = TestApp::new().await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let (base, token) = (app.base.clone(), h.confirmed.access.clone());
    let uploads_path = format!("/api/v1/datasets/{dataset}/uploads");

    // The whole file in the creation request.
    let small = bytes(5000);
    let res = tus(
        &base,
        "POST",
        &uploads_path,
        &token,
        &[
            ("Upload-Length", "5000".into()),
            (
                "Upload-Metadata",
                format!("filename {}", b64("one-shot.bin")),
            ),
            ("Content-Type", "application/offset+octet-stream".into()),
        ],
        Some(small.clone()),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(header(&res, "upload-offset"), "5000");
    assert_eq!(
        header(&res, "habilis-file-sha256"),
        hex::encode(Sha256::digest(&small))
    );
    let file = header(&res, "habilis-file-id");
    assert_eq!(content(&base, &token, &file).await, small);

    // An empty file is recorded at creation.
    let empty = hex::encode(Sha256::digest(b""));
    let res = tus(
        &base,
        "POST",
        &uploads_path,
        &token,
        &[
            ("Upload-Length", "0".into()),
            (
                "Upload-Metadata",
                format!("filename {},sha256 {}", b64("empty"), b64(&empty)),
            ),
        ],
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    assert!(!header(&res, "habilis-file-id").is_empty());

    // A deferred length, given with the last chunk.
    let source = bytes(300_000);
    let res = tus(
        &base,
        "POST",
        &uploads_path,
        &token,
        &[
            ("Upload-Defer-Length", "1".into()),
            ("Upload-Metadata", format!("filename {}", b64("later.bin"))),
            ("Content-Type", "application/offset+octet-stream".into()),
        ],
        Some(source[..100_000].to_vec()),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(header(&res, "upload-offset"), "100000");
    let upload = header(&res, "location");
    let res = tus(&base, "HEAD", &upload, &token, &[], None).await;
    assert_eq!(header(&res, "upload-defer-length"), "1");
    // A length shorter than what arrived is refused.
    let res = patch(
        &base,
        &token,
        &upload,
        100_000,
        &source[100_000..],
        &[("Upload-Length", "99".into())],
    )
    .await;
    problem(res, 400).await;
    let res = patch(
        &base,
        &token,
        &upload,
        100_000,
        &source[100_000..],
        &[("Upload-Length", "300000".into())],
    )
    .await;
    assert_eq!(res.status(), 204);
    let file = header(&res, "habilis-file-id");
    assert_eq!(content(&base, &token, &file).await, source);

    // The digest expected is not the one that arrived: 422, nothing kept.
    let before = counts(&app).await;
    let wrong = hex::encode(Sha256::digest(b"another file"));
    let upload = create(&base, &token, &dataset, "wrong.bin", 1000, Some(&wrong)).await;
    let res = patch(&base, &token, &upload, 0, &bytes(1000), &[]).await;
    let body = problem(res, 422).await;
    assert!(body["errors"]["digest"].is_array(), "{body}");
    assert_eq!(counts(&app).await, before);
    assert!(staged(&app).await.is_empty());
    head_refused(tus(&base, "HEAD", &upload, &token, &[], None).await, 404);
}

/// A PATCH sent by hand that stops after `first` of its `len` bytes; the
/// rest is sent by the returned closure, which gives the status.
fn slow_patch(
    base: &str,
    token: &str,
    upload: &str,
    offset: usize,
    body: Vec<u8>,
    first: usize,
) -> (std::net::TcpStream, Vec<u8>) {
    let host = base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&host).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        s,
        "PATCH {upload} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("write");
    s.write_all(&body[..first]).expect("first part");
    s.flush().expect("flush");
    (s, body[first..].to_vec())
}

fn status_of(mut s: std::net::TcpStream) -> u16 {
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[actix_web::test]
async fn bad_requests_change_nothing() {
    let app = TestApp::new().await;
    let Lab {
        h,
        dataset,
        project,
    } = lab(&app).await;
    let (base, token) = (app.base.clone(), h.confirmed.access.clone());
    let uploads_path = format!("/api/v1/datasets/{dataset}/uploads");
    let meta = |p: &str| format!("filename {}", b64(p));

    // Creation: no tus version (412, and the version spoken is named), a
    // bad path, bad metadata, no length, an unknown dataset, a profile the
    // policy refuses, someone who may not see the project.
    let res = tus(
        &base,
        "POST",
        &uploads_path,
        &token,
        &[
            ("Tus-Resumable", "0.2.2".into()),
            ("Upload-Length", "3".into()),
            ("Upload-Metadata", meta("a")),
        ],
        None,
    )
    .await;
    assert_eq!(header(&res, "tus-version"), "1.0.0");
    assert_eq!(problem(res, 412).await["type"], "tus_version");
    let long = "x".repeat(1025);
    for bad in [
        "../etc/passwd",
        "a/../../b",
        "/abs",
        "nul\0byte",
        long.as_str(),
    ] {
        let res = tus(
            &base,
            "POST",
            &uploads_path,
            &token,
            &[
                ("Upload-Length", "3".into()),
                ("Upload-Metadata", meta(bad)),
            ],
            None,
        )
        .await;
        let body = problem(res, 422).await;
        assert!(body["errors"]["path"].is_array(), "{bad:?}: {body}");
    }
    for bad in ["", "filename", "filename ***", "filetype dGV4dA=="] {
        let res = tus(
            &base,
            "POST",
            &uploads_path,
            &token,
            &[
                ("Upload-Length", "3".into()),
                ("Upload-Metadata", bad.into()),
            ],
            None,
        )
        .await;
        problem(res, 422).await;
    }
    let res = tus(
        &base,
        "POST",
        &uploads_path,
        &token,
        &[("Upload-Metadata", meta("a"))],
        None,
    )
    .await;
    problem(res, 400).await;
    let res = tus(
        &base,
        "POST",
        "/api/v1/datasets/00000000-0000-0000-0000-000000000000/uploads",
        &token,
        &[
            ("Upload-Length", "3".into()),
            ("Upload-Metadata", meta("a")),
        ],
        None,
    )
    .await;
    problem(res, 404).await;
    let res = tus(
        &base,
        "POST",
        &uploads_path,
        &h.novice.access,
        &[
            ("Upload-Length", "3".into()),
            ("Upload-Metadata", meta("a")),
        ],
        None,
    )
    .await;
    problem(res, 403).await;
    let res = tus(
        &base,
        "POST",
        &uploads_path,
        &h.admin.access,
        &[
            ("Upload-Length", "3".into()),
            ("Upload-Metadata", meta("a")),
        ],
        None,
    )
    .await;
    problem(res, 404).await;
    assert_eq!(counts(&app).await, (0, 0));
    assert!(staged(&app).await.is_empty());

    let source = bytes(1000);
    let upload = create(&base, &token, &dataset, "x.bin", source.len(), None).await;
    assert_eq!(
        patch(&base, &token, &upload, 0, &source[..100], &[])
            .await
            .status(),
        204
    );
    // The core's refusals: no version, not offset+octet-stream, the wrong
    // offset, bytes past the length, someone else's upload.
    let res = patch(
        &base,
        &token,
        &upload,
        100,
        &source[100..200],
        &[("Tus-Resumable", "".into())],
    )
    .await;
    problem(res, 412).await;
    let res = tus(
        &base,
        "PATCH",
        &upload,
        &token,
        &[
            ("Upload-Offset", "100".into()),
            ("Content-Type", "application/json".into()),
        ],
        Some(b"{}".to_vec()),
    )
    .await;
    problem(res, 415).await;
    let res = patch(&base, &token, &upload, 50, &source[50..200], &[]).await;
    let body = problem(res, 409).await;
    assert_eq!(body["type"], "offset_mismatch");
    let res = patch(&base, &token, &upload, 100, &bytes(2000), &[]).await;
    problem(res, 413).await;
    for method in ["HEAD", "PATCH", "DELETE"] {
        let res = tus(
            &base,
            method,
            &upload,
            &h.expert.access,
            &[
                ("Upload-Offset", "100".into()),
                ("Content-Type", "application/offset+octet-stream".into()),
            ],
            Some(vec![1]),
        )
        .await;
        assert_eq!(res.status(), 404, "{method} by someone else");
    }
    assert_eq!(offset_of(&base, &token, &upload).await, 100);

    // While one PATCH streams, another is told to wait (423).
    let (s, rest) = slow_patch(&base, &token, &upload, 100, source[100..600].to_vec(), 200);
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let res = patch(&base, &token, &upload, 100, &source[100..600], &[]).await;
    assert_eq!(problem(res, 423).await["type"], "upload_locked");
    let res = tus(&base, "DELETE", &upload, &token, &[], None).await;
    problem(res, 423).await;
    let mut s = s;
    s.write_all(&rest).expect("rest");
    assert_eq!(status_of(s), 204);
    assert_eq!(offset_of(&base, &token, &upload).await, 600);

    // A closed project's datasets take no more bytes.
    let res = app
        .request(
            "POST",
            &format!("/api/v1/projects/{project}/close"),
            Some(&h.expert.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    problem(
        patch(&base, &token, &upload, 600, &source[600..], &[]).await,
        409,
    )
    .await;
    let res = tus(
        &base,
        "POST",
        &uploads_path,
        &token,
        &[
            ("Upload-Length", "3".into()),
            ("Upload-Metadata", meta("late")),
        ],
        None,
    )
    .await;
    problem(res, 409).await;
    assert_eq!(counts(&app).await, (1, 0));

    // Termination: the row and the bytes go.
    assert_eq!(staged(&app).await.len(), 1);
    let res = tus(&base, "DELETE", &upload, &token, &[], None).await;
    assert_eq!(res.status(), 204);
    assert_eq!(header(&res, "tus-resumable"), "1.0.0");
    head_refused(tus(&base, "HEAD", &upload, &token, &[], None).await, 404);
    assert_eq!(counts(&app).await, (0, 0));
    // Begun and cancelled, both on the audit chain.
    let id = upload.rsplit('/').next().expect("id").to_owned();
    assert!(audited(&app, "upload.create").await.contains(&id));
    assert_eq!(audited(&app, "upload.terminate").await, vec![id]);
    assert!(staged(&app).await.is_empty());
}

#[actix_web::test]
async fn abandoned_uploads_expire_and_the_job_removes_them() {
    let app = TestApp::new().await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let (base, token) = (app.base.clone(), h.confirmed.access.clone());
    let old = create(&base, &token, &dataset, "old.bin", 1000, None).await;
    assert_eq!(
        patch(&base, &token, &old, 0, &bytes(400), &[])
            .await
            .status(),
        204
    );
    // Nothing expired yet: the sweep leaves it.
    run_jobs(&app).await;
    assert_eq!(counts(&app).await.0, 1);

    app.clock.advance(chrono::Duration::hours(23));
    let token = app
        .login(&h.confirmed.email, &h.confirmed.password)
        .await
        .access;
    let fresh = create(&base, &token, &dataset, "fresh.bin", 1000, None).await;
    app.clock.advance(chrono::Duration::hours(2));
    let token = app
        .login(&h.confirmed.email, &h.confirmed.password)
        .await
        .access;
    // 25 hours after its last bytes: gone for the client (410).
    head_refused(tus(&base, "HEAD", &old, &token, &[], None).await, 410);
    let body = problem(patch(&base, &token, &old, 400, &bytes(10), &[]).await, 410).await;
    assert_eq!(body["type"], "upload_expired");
    assert_eq!(offset_of(&base, &token, &fresh).await, 0);

    // The sweep removes the row and the staged bytes of the expired one.
    assert_eq!(staged(&app).await.len(), 2);
    assert!(run_jobs(&app).await >= 1);
    assert_eq!(counts(&app).await.0, 1);
    assert_eq!(
        audited(&app, "upload.expire").await,
        vec![old.rsplit('/').next().expect("id").to_owned()]
    );
    let left = staged(&app).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].ends_with(&{
        let id = fresh.rsplit('/').next().expect("id").to_owned();
        app.with_db(move |c| {
            uploads::table
                .find(id)
                .select(uploads::object_key)
                .first::<String>(c)
                .expect("fresh")
        })
        .await
    }));
    head_refused(tus(&base, "HEAD", &old, &token, &[], None).await, 404);
}

#[actix_web::test]
async fn quotas_refuse_an_upload_before_any_byte_is_stored() {
    let app = TestApp::builder()
        .policy("[organizations]\nmax_file_bytes = 600000\nproject_quota_bytes = 1000000\n")
        .start()
        .await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let (base, token) = (app.base.clone(), h.confirmed.access.clone());
    let uploads_path = format!("/api/v1/datasets/{dataset}/uploads");
    let post = |len: &str, name: &str| {
        let (base, token, p, len, name) = (
            base.clone(),
            token.clone(),
            uploads_path.clone(),
            len.to_owned(),
            name.to_owned(),
        );
        async move {
            tus(
                &base,
                "POST",
                &p,
                &token,
                &[
                    ("Upload-Length", len),
                    ("Upload-Metadata", format!("filename {}", b64(name))),
                ],
                None,
            )
            .await
        }
    };
    let body = problem(post("600001", "big").await, 413).await;
    assert_eq!(body["type"], "quota_exceeded");
    assert_eq!(body["quota"]["limit"], 600_000);
    assert_eq!(counts(&app).await, (0, 0));
    assert!(staged(&app).await.is_empty());

    // An unfinished upload counts as used.
    assert_eq!(post("550000", "one").await.status(), 201);
    let body = problem(post("550000", "two").await, 413).await;
    assert_eq!(body["quota"]["used"], 550_000);
    assert_eq!(body["quota"]["limit"], 1_000_000);
    assert_eq!(counts(&app).await, (1, 0));
    assert_eq!(staged(&app).await.len(), 1);
    // So it does for a one-request `PUT`.
    let res = app
        .client
        .put(app.url(&format!("/api/v1/datasets/{dataset}/files/put.bin")))
        .bearer_auth(&token)
        .body(bytes(550_000))
        .send()
        .await
        .expect("put");
    let body = problem(res, 413).await;
    assert_eq!(body["quota"]["used"], 550_000);
    assert_eq!(counts(&app).await, (1, 0));

    // A deferred length is held to the same limits when it comes, and as
    // bytes arrive.
    let res = tus(
        &base,
        "POST",
        &uploads_path,
        &token,
        &[
            ("Upload-Defer-Length", "1".into()),
            ("Upload-Metadata", format!("filename {}", b64("later"))),
        ],
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    let later = header(&res, "location");
    let res = patch(
        &base,
        &token,
        &later,
        0,
        &bytes(10),
        &[("Upload-Length", "500000".into())],
    )
    .await;
    assert_eq!(problem(res, 413).await["type"], "quota_exceeded");
    let res = patch(&base, &token, &later, 0, &bytes(460_000), &[]).await;
    assert_eq!(problem(res, 413).await["type"], "quota_exceeded");
    assert_eq!(offset_of(&base, &token, &later).await, 0);
}

// ---- Real `habilis serve` processes -------------------------------------

/// A `habilis serve` child on the test's database and storage, killed
/// (SIGKILL) on drop.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(app: &TestApp, name: &str) -> Server {
    let dir = app.dir.path().join(name);
    std::fs::create_dir_all(&dir).expect("data dir");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let log = dir.join("server.log");
    let child = Command::new(env!("CARGO_BIN_EXE_habilis"))
        .env_clear()
        .arg("serve")
        .env("DATABASE_URL", app.db_url())
        .env("HABILIS_DATA_DIR", &dir)
        .envs(storage_env(app))
        .env("HABILIS_JWT_SECRET", JWT_SECRET)
        .env("HABILIS_BIND", format!("127.0.0.1:{port}"))
        .env("HABILIS_MAIL_POLL_MS", "0")
        .env("HABILIS_JOBS_POLL_MS", "0")
        .env("HABILIS_WORKERS", "1")
        .env("HABILIS_DB_POOL", "4")
        .env("HABILIS_UPLOAD_LEASE_SECS", "2")
        .env("HABILIS_DIST_DIR", dir.join("no-dist"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("habilis serve starts");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log,
    }
}

async fn ready(s: &mut Server) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(res) = reqwest::get(format!("{}/readyz", s.base)).await {
            if res.status() == 200 {
                return;
            }
        }
        let exited = s.child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            panic!(
                "habilis serve not ready ({exited:?}): {}",
                std::fs::read_to_string(&s.log).unwrap_or_default()
            );
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn a_server_killed_mid_upload_is_resumed_by_the_next_one() {
    let app = TestApp::new().await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let token = h.confirmed.access.clone();
    let source = bytes(3 * 1024 * 1024 + 77);
    let hex_sha = hex::encode(Sha256::digest(&source));
    let mut a = serve(&app, "a");
    ready(&mut a).await;
    let upload = create(
        &a.base,
        &token,
        &dataset,
        "run/big.bin",
        source.len(),
        Some(&hex_sha),
    )
    .await;
    let res = patch(&a.base, &token, &upload, 0, &source[..1_000_000], &[]).await;
    assert_eq!(res.status(), 204);

    // The next chunk is half sent when the process is killed.
    let (s, _rest) = slow_patch(
        &a.base,
        &token,
        &upload,
        1_000_000,
        source[1_000_000..2_000_000].to_vec(),
        600_000,
    );
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    a.child.kill().expect("kill -9");
    let _ = a.child.wait();
    drop(s);

    // Another process takes over: the offset is what was accepted; the
    // dead request's lease lapses, then the upload goes on.
    let mut b = serve(&app, "b");
    ready(&mut b).await;
    let offset = offset_of(&b.base, &token, &upload).await as usize;
    assert_eq!(offset, 1_000_000);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut at = offset;
    while at < source.len() {
        let end = (at + 900_000).min(source.len());
        let res = patch(&b.base, &token, &upload, at, &source[at..end], &[]).await;
        if res.status() == 423 && Instant::now() < deadline {
            actix_web::rt::time::sleep(Duration::from_millis(300)).await;
            continue;
        }
        assert_eq!(res.status(), 204, "{:?}", res.text().await);
        at = end;
        if at == source.len() {
            let file = header(&res, "habilis-file-id");
            assert_eq!(content(&b.base, &token, &file).await, source);
            let sha: String = app
                .with_db(move |c| {
                    files::table
                        .find(file)
                        .select(files::sha256)
                        .first(c)
                        .expect("file")
                })
                .await;
            assert_eq!(sha, hex_sha);
        }
    }
    assert_eq!(counts(&app).await, (0, 1));
    assert!(staged(&app).await.is_empty());
}

#[actix_web::test]
async fn two_server_processes_share_one_upload() {
    let app = TestApp::new().await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let token = h.confirmed.access.clone();
    let source = bytes(1_500_001);
    let mut a = serve(&app, "a");
    let mut b = serve(&app, "b");
    ready(&mut a).await;
    ready(&mut b).await;
    let upload = create(&a.base, &token, &dataset, "shared.bin", source.len(), None).await;
    let cuts = [0, 400_000, 900_000, 1_200_000, source.len()];
    for (i, w) in cuts.windows(2).enumerate() {
        let server = if i % 2 == 0 { &b } else { &a };
        let other = if i % 2 == 0 { &a } else { &b };
        let res = patch(
            &server.base,
            &token,
            &upload,
            w[0],
            &source[w[0]..w[1]],
            &[],
        )
        .await;
        assert_eq!(res.status(), 204, "chunk {i}");
        if w[1] < source.len() {
            assert_eq!(offset_of(&other.base, &token, &upload).await, w[1] as u64);
        } else {
            let file = header(&res, "habilis-file-id");
            assert_eq!(content(&other.base, &token, &file).await, source);
        }
    }
    assert_eq!(counts(&app).await, (0, 1));
}

#[actix_web::test]
async fn a_connection_lost_mid_chunk_keeps_what_arrived_unless_it_was_checksummed() {
    let app = TestApp::new().await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let (base, token) = (app.base.clone(), h.confirmed.access.clone());
    let source = bytes(100_000);
    let upload = create(&base, &token, &dataset, "flaky.bin", source.len(), None).await;

    // The connection drops after 30,000 of the 60,000 bytes announced:
    // those 30,000 are kept, and the client goes on from there (tus).
    let (s, _rest) = slow_patch(&base, &token, &upload, 0, source[..60_000].to_vec(), 30_000);
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    drop(s);
    let deadline = Instant::now() + Duration::from_secs(10);
    let kept = loop {
        let at = offset_of(&base, &token, &upload).await;
        let free = patch(&base, &token, &upload, at as usize, &[], &[]).await;
        if at > 0 && free.status() == 204 {
            break at as usize;
        }
        assert!(
            Instant::now() < deadline,
            "the interrupted bytes were not settled"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(kept, 30_000);

    // With a checksum, a chunk cut short cannot be checked: nothing kept.
    let checksum = format!("sha256 {}", b64(Sha256::digest(&source[kept..90_000])));
    let host = base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&host).expect("connect");
    write!(
        s,
        "PATCH {upload} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: {kept}\r\nUpload-Checksum: {checksum}\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: 60000\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    s.write_all(&source[kept..kept + 20_000]).expect("part");
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    drop(s);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let res = patch(&base, &token, &upload, kept, &source[kept..], &[]).await;
        if res.status() == 204 {
            let file = header(&res, "habilis-file-id");
            assert_eq!(content(&base, &token, &file).await, source);
            break;
        }
        // The cut request still holds the upload for a moment.
        assert_eq!(res.status(), 423, "{:?}", res.text().await);
        assert!(Instant::now() < deadline, "the cut request kept the upload");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(counts(&app).await, (0, 1));
}

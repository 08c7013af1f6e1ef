//! Datasets and files (issue 15, first slice): datasets of active
//! projects, whole-file uploads streamed with their SHA-256, the policy's
//! limits, downloads with ranges and validators, and the record of every
//! download (activity log and audit chain).

use base64::Engine;
use diesel::prelude::*;
use habilis_api::db::schema::{activity, audit_log, files};
use habilis_shared::policy::Profile;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::*;

/// An organisation (expert manager, confirmed contributor, novice user,
/// webmaster operator) with an active `hds` project of the expert's (the
/// confirmed sponsors it, the member stewards its data; the novice and
/// the webmaster take part) and one dataset in it.
pub(crate) struct Lab {
    pub(crate) h: Hierarchy,
    pub(crate) project: String,
    pub(crate) dataset: String,
}

pub(crate) async fn lab(app: &TestApp) -> Lab {
    let h = app.hierarchy().await;
    let member = app
        .ready(&h.confirmed, Profile::Novice, "member@inserm.fr")
        .await;
    for s in [&h.expert, &h.confirmed, &h.novice, &h.webmaster, &member] {
        app.accept_charter(s).await;
    }
    let org: Value = app
        .post(
            "/api/v1/organizations",
            &h.admin.access,
            json!({ "name": "Data lab" }),
        )
        .await
        .json()
        .await
        .expect("json");
    let org = org["id"].as_str().expect("org").to_owned();
    for (emails, role) in [
        (vec![h.expert.email.clone()], "manager"),
        (vec![h.confirmed.email.clone()], "contributor"),
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
    let project: Value = app
        .post(
            "/api/v1/projects",
            &h.expert.access,
            json!({ "organization_id": org, "name": "Cohort", "data_class": "hds", "domain": "ecology",
                    "sponsor_id": h.confirmed.id, "data_steward_id": member.id }),
        )
        .await
        .json()
        .await
        .expect("json");
    let project = project["id"].as_str().expect("project").to_owned();
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
    let res = app
        .post(
            &format!("/api/v1/projects/{project}/datasets"),
            &h.expert.access,
            json!({ "name": "Raw reads", "description": "sequencer output" }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let ds: Value = res.json().await.expect("json");
    let dataset = ds["id"].as_str().expect("dataset").to_owned();
    Lab {
        h,
        project,
        dataset,
    }
}

/// Deterministic bytes, `n` of them.
pub(crate) fn bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

async fn put(
    app: &TestApp,
    s: &Session,
    dataset: &str,
    path: &str,
    body: Vec<u8>,
    digest: Option<&[u8]>,
) -> reqwest::Response {
    let mut req = app
        .client
        .put(app.url(&format!("/api/v1/datasets/{dataset}/files/{path}")))
        .bearer_auth(&s.access)
        .body(body);
    if let Some(d) = digest {
        let b64 = base64::engine::general_purpose::STANDARD.encode(d);
        req = req.header("Repr-Digest", format!("sha-256=:{b64}:"));
    }
    req.send().await.expect("sent")
}

async fn download(
    app: &TestApp,
    s: &Session,
    file: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = app
        .client
        .get(app.url(&format!("/api/v1/files/{file}/content")))
        .bearer_auth(&s.access);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("sent")
}

/// A PUT of three bytes exactly as `target` is written: its status.
fn raw_put(app: &TestApp, token: &str, target: &str) -> u16 {
    use std::io::{Read, Write};
    let host = app.base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&host).expect("connect");
    write!(
        s,
        "PUT {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"
    )
    .expect("write");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[actix_web::test]
async fn a_file_goes_in_and_out_bit_for_bit_and_every_download_is_on_record() {
    let app = TestApp::new().await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let content = bytes(3 * 1024 * 1024 + 17);
    let sha = Sha256::digest(&content);
    let hex_sha = hex::encode(sha);

    // The contributor uploads, naming the digest it expects.
    let res = put(
        &app,
        &h.confirmed,
        &dataset,
        "raw/run-01.fastq.gz",
        content.clone(),
        Some(&sha),
    )
    .await;
    assert_eq!(res.status(), 201);
    let file: Value = res.json().await.expect("json");
    assert_eq!(file["sha256"], hex_sha);
    assert_eq!(file["size"], content.len());
    assert_eq!(file["path"], "raw/run-01.fastq.gz");
    assert_eq!(file["uploaded_by"], h.confirmed.id.as_str());
    let id = file["id"].as_str().expect("id").to_owned();

    // Listed under its prefix, in the manifest.
    let list: Value = app
        .get(
            &format!("/api/v1/datasets/{dataset}/files?prefix=raw/"),
            &h.novice.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"][0]["id"], id.as_str());
    let none: Value = app
        .get(
            &format!("/api/v1/datasets/{dataset}/files?prefix=other"),
            &h.novice.access,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0));
    let manifest = app
        .get(
            &format!("/api/v1/datasets/{dataset}/manifest.sha256"),
            &h.confirmed.access,
        )
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(manifest, format!("{hex_sha}  raw/run-01.fastq.gz\n"));

    // Whole, then a range, then a validator that matches.
    let res = download(&app, &h.confirmed, &id, &[]).await;
    assert_eq!(res.status(), 200);
    let etag = format!("\"{hex_sha}\"");
    assert_eq!(res.headers()["etag"], etag.as_str());
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''run-01.fastq.gz"),
        "{disposition}"
    );
    let got = res.bytes().await.expect("body");
    assert_eq!(hex::encode(Sha256::digest(&got)), hex_sha);
    let res = download(&app, &h.confirmed, &id, &[("Range", "bytes=1000-1999")]).await;
    assert_eq!(res.status(), 206);
    assert_eq!(
        res.headers()["content-range"],
        format!("bytes 1000-1999/{}", content.len()).as_str()
    );
    assert_eq!(
        res.bytes().await.expect("body").as_ref(),
        &content[1000..2000]
    );
    let res = download(&app, &h.confirmed, &id, &[("Range", "bytes=-10")]).await;
    assert_eq!(res.status(), 206);
    assert_eq!(
        res.bytes().await.expect("body").as_ref(),
        &content[content.len() - 10..]
    );
    let res = download(&app, &h.confirmed, &id, &[("Range", "bytes=99999999-")]).await;
    problem(res, 416).await;
    let res = download(&app, &h.confirmed, &id, &[("If-None-Match", &etag)]).await;
    assert_eq!(res.status(), 304);
    // A HEAD says what a download would be, and is no download.
    let res = app
        .client
        .head(app.url(&format!("/api/v1/files/{id}/content")))
        .bearer_auth(&h.confirmed.access)
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-length"],
        content.len().to_string().as_str()
    );

    // A user without `data.download` and an operator are refused; someone
    // outside the organisation does not learn the file exists.
    problem(download(&app, &h.novice, &id, &[]).await, 403).await;
    problem(download(&app, &h.webmaster, &id, &[]).await, 403).await;
    problem(download(&app, &h.admin, &id, &[]).await, 404).await;
    problem(
        app.get(&format!("/api/v1/datasets/{dataset}"), &h.admin.access)
            .await,
        404,
    )
    .await;
    // The operator uploads and sees the dataset's name, not its files.
    let res = put(&app, &h.webmaster, &dataset, "scans/a.tif", bytes(10), None).await;
    assert_eq!(res.status(), 201);
    let ds: Value = app
        .get(&format!("/api/v1/datasets/{dataset}"), &h.webmaster.access)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (ds["names_only"].as_bool(), ds["description"].is_null()),
        (Some(true), true)
    );
    problem(
        app.get(
            &format!("/api/v1/datasets/{dataset}/files"),
            &h.webmaster.access,
        )
        .await,
        403,
    )
    .await;
    // A user may not upload, nor delete.
    problem(
        put(&app, &h.novice, &dataset, "x.txt", bytes(3), None).await,
        403,
    )
    .await;

    let (confirmed, novice, file_id) = (h.confirmed.id.clone(), h.novice.id.clone(), id.clone());
    let (downloads, refused, audited, denied): (i64, i64, Vec<String>, i64) = app
        .with_db(move |c| {
            let count = |c: &mut habilis_api::db::DbConn, who: &str, kind: &str| -> i64 {
                activity::table
                    .filter(activity::user_id.eq(who))
                    .filter(activity::kind.eq(kind))
                    .filter(activity::target_id.eq(file_id.as_str()))
                    .count()
                    .get_result(c)
                    .expect("count")
            };
            let downloads = count(c, &confirmed, "file_download");
            let refused = count(c, &novice, "file_download_refused");
            let audited: Vec<String> = audit_log::table
                .filter(audit_log::action.eq("file.download"))
                .filter(audit_log::outcome.eq("success"))
                .select(audit_log::detail)
                .load(c)
                .expect("audit");
            let denied: i64 = audit_log::table
                .filter(audit_log::action.eq("file.download"))
                .filter(audit_log::outcome.eq("denied"))
                .filter(audit_log::actor_id.eq(novice.as_str()))
                .count()
                .get_result(c)
                .expect("denied");
            (downloads, refused, audited, denied)
        })
        .await;
    // Whole, two ranges; the 416 and the 304 sent nothing.
    assert_eq!(downloads, 3);
    assert_eq!(refused, 1);
    assert_eq!(denied, 1);
    assert_eq!(audited.len(), 3);
    assert!(
        audited.iter().all(|d| d.contains(&hex_sha)),
        "hds downloads name the digest"
    );

    // The same path again replaces the file; deleting removes its bytes.
    let res = put(
        &app,
        &h.confirmed,
        &dataset,
        "raw/run-01.fastq.gz",
        bytes(5),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    let new: Value = res.json().await.expect("json");
    problem(download(&app, &h.confirmed, &id, &[]).await, 404).await;
    let new_id = new["id"].as_str().expect("id").to_owned();
    let before = app.objects().await.len();
    problem(
        app.request(
            "DELETE",
            &format!("/api/v1/files/{new_id}"),
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
            &format!("/api/v1/files/{new_id}"),
            Some(&h.confirmed.access),
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(app.objects().await.len(), before - 1);
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(
        matches!(verdict, habilis_api::audit::Verdict::Ok { .. }),
        "{verdict:?}"
    );
}

#[actix_web::test]
async fn bad_uploads_leave_neither_rows_nor_bytes() {
    let app = TestApp::new().await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let content = bytes(200_000);
    let wrong = Sha256::digest(b"something else");
    let body = problem(
        put(
            &app,
            &h.confirmed,
            &dataset,
            "a.bin",
            content.clone(),
            Some(&wrong),
        )
        .await,
        422,
    )
    .await;
    assert!(body["errors"]["digest"].is_array(), "{body}");
    let res = app
        .client
        .put(app.url(&format!("/api/v1/datasets/{dataset}/files/b.bin")))
        .bearer_auth(&h.confirmed.access)
        .header("Digest", "sha-256=not base64!")
        .body(content.clone())
        .send()
        .await
        .expect("sent");
    problem(res, 422).await;
    for bad in ["a%5Cb", "bad%01name"] {
        let body = problem(
            put(&app, &h.confirmed, &dataset, bad, content.clone(), None).await,
            422,
        )
        .await;
        assert!(body["errors"]["path"].is_array(), "{bad}: {body}");
    }
    // `..` and absolute paths, sent as written (a URL parser would resolve
    // the dots away before they left).
    for bad in ["raw/../x", "..", "/etc/passwd", "a/%2E%2E/b"] {
        let status = raw_put(
            &app,
            &h.confirmed.access,
            &format!("/api/v1/datasets/{dataset}/files/{bad}"),
        );
        assert_eq!(status, 422, "{bad}");
    }
    let rows: i64 = app
        .with_db(|c| files::table.count().get_result(c).expect("count"))
        .await;
    assert_eq!(rows, 0);
    assert!(app.objects().await.is_empty(), "{:?}", app.objects().await);
}

#[actix_web::test]
async fn limits_refuse_before_anything_is_stored() {
    let app = TestApp::builder()
        .policy("[organizations]\nmax_file_bytes = 600000\nproject_quota_bytes = 1000000\n")
        .start()
        .await;
    let Lab {
        h,
        dataset,
        project,
    } = lab(&app).await;
    let body = problem(
        put(
            &app,
            &h.confirmed,
            &dataset,
            "big.bin",
            bytes(600_001),
            None,
        )
        .await,
        413,
    )
    .await;
    assert_eq!(body["type"], "quota_exceeded");
    assert_eq!(body["quota"]["limit"], 600_000);
    assert!(app.objects().await.is_empty());
    // Without a `Content-Length`, refused as the bytes pass the limit.
    let status = raw_chunked(
        "PUT",
        &app,
        &h.confirmed.access,
        &format!("/api/v1/datasets/{dataset}/files/chunked.bin"),
        900_000,
    );
    assert_eq!(status, 413);
    assert!(app.objects().await.is_empty(), "{:?}", app.objects().await);
    let res = put(
        &app,
        &h.confirmed,
        &dataset,
        "one.bin",
        bytes(550_000),
        None,
    )
    .await;
    assert_eq!(res.status(), 201);
    let body = problem(
        put(
            &app,
            &h.confirmed,
            &dataset,
            "two.bin",
            bytes(550_000),
            None,
        )
        .await,
        413,
    )
    .await;
    assert_eq!(body["type"], "quota_exceeded");
    assert_eq!(
        (&body["quota"]["used"], &body["quota"]["limit"]),
        (&json!(550_000), &json!(1_000_000))
    );
    // Replacing a file frees its own bytes.
    let res = put(
        &app,
        &h.confirmed,
        &dataset,
        "one.bin",
        bytes(560_000),
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.objects().await.len(), 1);
    // The project's use, summed by the database, beside its limits.
    let usage: Value = app
        .get(
            &format!("/api/v1/projects/{project}/usage"),
            &h.novice.access,
        )
        .await
        .json()
        .await
        .expect("json");
    let storage: Value = [
        "project_id",
        "datasets",
        "files",
        "bytes_stored",
        "quota_bytes",
        "max_file_bytes",
    ]
    .iter()
    .map(|k| (k.to_string(), usage[k].clone()))
    .collect::<serde_json::Map<_, _>>()
    .into();
    assert_eq!(
        storage,
        json!({ "project_id": project, "datasets": 1, "files": 1, "bytes_stored": 560_000,
                "quota_bytes": 1_000_000, "max_file_bytes": 600_000 })
    );
    // No service ran in the project: nothing to pay for.
    assert_eq!(usage["instance_hours"], 0.0);
    assert_eq!(usage["cost"], 0.0);
    // The operator knows the project's name, not its contents.
    let res = app
        .get(
            &format!("/api/v1/projects/{project}/usage"),
            &h.webmaster.access,
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[actix_web::test]
async fn a_closed_project_keeps_its_data_read_only() {
    let app = TestApp::new().await;
    let Lab {
        h,
        project,
        dataset,
    } = lab(&app).await;
    let res = put(&app, &h.confirmed, &dataset, "kept.txt", bytes(100), None).await;
    assert_eq!(res.status(), 201);
    let file: Value = res.json().await.expect("json");
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
        put(&app, &h.confirmed, &dataset, "late.txt", bytes(100), None).await,
        409,
    )
    .await;
    problem(
        app.post(
            &format!("/api/v1/projects/{project}/datasets"),
            &h.expert.access,
            json!({ "name": "Late" }),
        )
        .await,
        409,
    )
    .await;
    let id = file["id"].as_str().expect("id");
    problem(
        app.request(
            "DELETE",
            &format!("/api/v1/files/{id}"),
            Some(&h.confirmed.access),
            None,
        )
        .await,
        409,
    )
    .await;
    let res = download(&app, &h.confirmed, id, &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.bytes().await.expect("body").as_ref(),
        bytes(100).as_slice()
    );
    // Managing datasets is for managers and the owner.
    problem(
        app.post(
            &format!("/api/v1/projects/{project}/datasets"),
            &h.confirmed.access,
            json!({ "name": "Mine" }),
        )
        .await,
        403,
    )
    .await;
}

/// `VmRSS` and `VmHWM` (the peak) of process `pid`, in bytes.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Byte `i` of the large file.
fn large_byte(i: u64) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// PUTs `n` generated bytes with `Content-Length`, written as they are
/// made; the status and the body of the answer.
fn stream_put(base: &str, token: &str, target: &str, n: u64) -> (u16, String) {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(&host).expect("connect");
    let limit = Some(std::time::Duration::from_secs(120));
    s.set_write_timeout(limit).expect("timeout");
    s.set_read_timeout(limit).expect("timeout");
    write!(
        s,
        "PUT {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Length: {n}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut chunk = vec![0u8; 256 * 1024];
    let mut sent = 0u64;
    while sent < n {
        let k = (chunk.len() as u64).min(n - sent) as usize;
        for (j, b) in chunk[..k].iter_mut().enumerate() {
            *b = large_byte(sent + j as u64);
        }
        s.write_all(&chunk[..k]).expect("send");
        sent += k as u64;
    }
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A second server process (`habilis serve`) on this test's database and
/// storage, so that its memory is its own; killed on drop.
struct Process {
    child: std::process::Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn second_process(app: &TestApp) -> Process {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_habilis"));
    cmd.arg("serve")
        .env("HABILIS_DATA_DIR", &app.state.config.data_dir)
        .env("DATABASE_URL", app.db_url())
        .env("HABILIS_BIND", format!("127.0.0.1:{port}"))
        .env("HABILIS_JWT_SECRET", JWT_SECRET)
        .env("HABILIS_PUBLIC_URL", "http://habilis.test")
        .env("HABILIS_MAIL_POLL_MS", "0")
        .env("HABILIS_JOBS_POLL_MS", "0")
        .env("HABILIS_DIST_DIR", app.dir.path().join("no-dist"))
        .env("HABILIS_WORKERS", "2")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null());
    match &app.storage_url {
        Some(url) => cmd.env("HABILIS_STORAGE_URL", url),
        None => cmd.env_remove("HABILIS_STORAGE_URL"),
    };
    let process = Process {
        child: cmd.spawn().expect("serve starts"),
        base: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..300 {
        if app
            .client
            .get(format!("{}/readyz", process.base))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return process;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the second server did not become ready");
}

/// A file many times the size of an S3 part goes in and out of a server
/// process whose peak resident memory hardly moves: neither the upload nor
/// the download holds the file. (Measured: after a 24 MiB file, the peak
/// rises by 1–3 MiB on the local disk and by 17–25 MiB on S3, for a file
/// of 128 MiB as for one of 384 MiB: buffers and allocator arenas, not the
/// file.)
#[actix_web::test]
async fn a_large_file_streams_in_and_out_with_flat_memory() {
    const SIZE: u64 = 128 << 20;
    let app = TestApp::new().await;
    let Lab { h, dataset, .. } = lab(&app).await;
    let mut expected = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    for start in (0..SIZE).step_by(buf.len()) {
        for (j, b) in buf.iter_mut().enumerate() {
            *b = large_byte(start + j as u64);
        }
        expected.update(&buf);
    }
    let expected = hex::encode(expected.finalize());
    drop(buf);

    let server = second_process(&app).await;
    let pid = server.child.id();
    let token = h.confirmed.access.clone();
    // In, then out, hashed as it arrives; the file's id.
    let round_trip = |name: &'static str, n: u64| {
        let (base, token, client) = (server.base.clone(), token.clone(), app.client.clone());
        let target = format!("/api/v1/datasets/{dataset}/files/{name}");
        async move {
            let (b, t) = (base.clone(), token.clone());
            let (status, body) = actix_web::web::block(move || stream_put(&b, &t, &target, n))
                .await
                .expect("block");
            assert_eq!(status, 201, "{body}");
            let file: Value = serde_json::from_str(&body).expect("json");
            let id = file["id"].as_str().expect("id").to_owned();
            let mut res = client
                .get(format!("{base}/api/v1/files/{id}/content"))
                .bearer_auth(&token)
                .send()
                .await
                .expect("sent");
            assert_eq!(res.status(), 200);
            let mut got = Sha256::new();
            let mut len = 0u64;
            while let Some(chunk) = res.chunk().await.expect("chunk") {
                len += chunk.len() as u64;
                got.update(&chunk);
            }
            assert_eq!(len, n);
            (id, file["sha256"].clone(), hex::encode(got.finalize()))
        }
    };
    // A file of a few parts first: the process is warm, its buffers and
    // pools are made.
    round_trip("warm.bin", 24 << 20).await;
    let (_, warm) = memory(pid);
    let (id, stored, sent_back) = round_trip("big/run.bin", SIZE).await;
    assert_eq!(stored, expected);
    assert_eq!(sent_back, expected);
    let (_, peak) = memory(pid);
    let grew = peak.saturating_sub(warm);
    assert!(
        warm > 0 && grew < 48 << 20,
        "peak resident memory of the server grew by {} MiB (from {} MiB) moving a {} MiB file after a 24 MiB one",
        grew >> 20,
        warm >> 20,
        SIZE >> 20
    );

    // A range across the boundary of the first 8 MiB part.
    let from = (8u64 << 20) - 100;
    let res = download(
        &app,
        &h.confirmed,
        &id,
        &[("Range", &format!("bytes={from}-{}", from + 199))],
    )
    .await;
    assert_eq!(res.status(), 206);
    let part = res.bytes().await.expect("bytes");
    let want: Vec<u8> = (from..from + 200).map(large_byte).collect();
    assert_eq!(part.as_ref(), want.as_slice());
}

//! The object storage's contract (issue 15), on whichever storage the
//! tests are given: an S3 bucket when `HABILIS_TEST_STORAGE_URL` is set
//! (`make test-s3` starts a real S3 server for it), else the local disk.
//! One-request objects (commit, drop, ranges, delete) and staged uploads
//! across requests and processes (small and large appends, dead requests,
//! completion, abort, zero bytes).

use std::io::Read;
use std::sync::Arc;

use habilis_api::storage::{LocalDisk, S3Storage, Storage};

use crate::helpers::test_storage_url;

const MIB: usize = 1024 * 1024;

/// A storage of one test, and what can open it again (a second process).
struct Place {
    url: Option<String>,
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        Place {
            url: test_storage_url(),
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A new `Storage` on this place, as a process of its own opens it.
    fn open(&self) -> Arc<dyn Storage> {
        match &self.url {
            Some(url) => Arc::new(S3Storage::open(url).expect("S3 storage")),
            None => Arc::new(LocalDisk::new(self.dir.path().to_owned())),
        }
    }

    /// What is stored, by name under the storage's root (`k`,
    /// `_staged/k/…` or `uploads/k`, `tmp/…`, and `upload:k` for an S3
    /// multipart upload in progress), sorted.
    fn contents(&self) -> Vec<String> {
        let mut out = match &self.url {
            Some(url) => {
                let s3 = S3Storage::open(url).expect("S3 storage");
                let prefix = format!("{}/", s3.url().prefix.clone().unwrap_or_default());
                s3.contents()
                    .expect("list")
                    .into_iter()
                    .map(|n| match n.strip_prefix("upload:") {
                        Some(k) => format!("upload:{}", k.trim_start_matches(prefix.as_str())),
                        None => n.trim_start_matches(prefix.as_str()).to_owned(),
                    })
                    .collect()
            }
            None => {
                let mut out = Vec::new();
                let root = self.dir.path();
                let mut dirs = vec![root.to_owned()];
                while let Some(d) = dirs.pop() {
                    for e in std::fs::read_dir(&d).expect("dir").flatten() {
                        let p = e.path();
                        if p.is_dir() {
                            dirs.push(p);
                        } else {
                            let rel = p.strip_prefix(root).expect("under root");
                            out.push(rel.display().to_string());
                        }
                    }
                }
                out
            }
        };
        out.sort();
        out
    }
}

/// Deterministic bytes: `n` of them, varying with `seed`.
fn bytes(seed: u8, n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u64 * 131 + u64::from(seed) * 7 % 251) as u8)
        .collect()
}

fn read(store: &dyn Storage, key: &str, range: Option<(u64, u64)>) -> Vec<u8> {
    let mut out = Vec::new();
    store
        .get(key, range)
        .expect("get")
        .read_to_end(&mut out)
        .expect("read");
    out
}

#[test]
fn objects_commit_or_leave_nothing_and_read_back_by_range() {
    let place = Place::new();
    let store = place.open();
    // Larger than two parts, written in uneven pieces.
    let big = bytes(1, 2 * 8 * MIB + 12_345);
    let mut t = store.put("obj-1").expect("put");
    for piece in big.chunks(777_777) {
        t.write(piece).expect("write");
    }
    assert!(
        !place.contents().contains(&"obj-1".to_owned()),
        "visible before commit"
    );
    t.commit().expect("commit");
    assert_eq!(read(store.as_ref(), "obj-1", None), big);
    for (start, len) in [
        (0u64, 10u64),
        (8 * MIB as u64 - 5, 10),
        (big.len() as u64 - 7, 7),
        (123_456, 3 * MIB as u64),
    ] {
        let (s, e) = (start as usize, (start + len) as usize);
        assert_eq!(
            read(store.as_ref(), "obj-1", Some((start, len))),
            &big[s..e],
            "{start}+{len}"
        );
    }
    assert!(read(store.as_ref(), "obj-1", Some((5, 0))).is_empty());

    // A small object; then replaced.
    let mut t = store.put("obj-2").expect("put");
    t.write(b"first").expect("write");
    t.commit().expect("commit");
    let mut t = store.put("obj-2").expect("put");
    t.write(b"second").expect("write");
    t.commit().expect("commit");
    assert_eq!(read(store.as_ref(), "obj-2", None), b"second");

    // Dropped unfinished, small or past a part: nothing is left.
    let mut t = store.put("obj-3").expect("put");
    t.write(&bytes(2, 9 * MIB)).expect("write");
    drop(t);
    let mut t = store.put("obj-4").expect("put");
    t.write(b"never").expect("write");
    drop(t);
    // Zero bytes.
    store.put("obj-0").expect("put").commit().expect("commit");
    assert!(read(store.as_ref(), "obj-0", None).is_empty());
    assert_eq!(place.contents(), ["obj-0", "obj-1", "obj-2"]);

    // Seen from another process.
    let other = place.open();
    assert_eq!(
        read(other.as_ref(), "obj-1", Some((9 * MIB as u64, 4))),
        &big[9 * MIB..9 * MIB + 4]
    );
    other.delete("obj-1").expect("delete");
    other.delete("obj-1").expect("delete twice");
    let err = store.get("obj-1", None).err().expect("gone");
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(place.contents(), ["obj-0", "obj-2"]);

    for bad in ["", "../x", "a/b", "a.b", "_staged"] {
        assert!(store.put(bad).is_err(), "{bad}");
        assert!(store.get(bad, None).is_err(), "{bad}");
        assert!(store.stage(bad).is_err(), "{bad}");
    }
}

#[test]
fn staged_uploads_go_on_across_requests_dead_ones_and_processes() {
    let place = Place::new();
    let first = place.open();
    let mut expected: Vec<u8> = Vec::new();
    let st = first.stage("up-1").expect("stage");

    // Appends smaller than S3's 5 MiB part minimum.
    let a = bytes(1, MIB);
    let mut w = first.append("up-1", &st, 0).expect("append");
    w.write(&a).expect("write");
    let st = w.finish(false).expect("finish");
    expected.extend_from_slice(&a);
    let b = bytes(2, 2 * MIB);
    let mut w = first
        .append("up-1", &st, expected.len() as u64)
        .expect("append");
    w.write(&b).expect("write");
    let st = w.finish(false).expect("finish");
    expected.extend_from_slice(&b);

    // A request that dies unfinished, after a whole part went out.
    let mut w = first
        .append("up-1", &st, expected.len() as u64)
        .expect("append");
    w.write(&bytes(9, 7 * MIB)).expect("write");
    drop(w);
    // A request that finished, but whose caller died before saving the
    // new staging and offset: the database still holds `st`.
    let mut w = first
        .append("up-1", &st, expected.len() as u64)
        .expect("append");
    w.write(&bytes(8, 4 * MIB)).expect("write");
    let _lost = w.finish(false).expect("finish");

    // Another process goes on from what the database holds.
    let second = place.open();
    let c = bytes(3, 6 * MIB);
    let mut w = second
        .append("up-1", &st, expected.len() as u64)
        .expect("append");
    for piece in c.chunks(100_000) {
        w.write(piece).expect("write");
    }
    let st = w.finish(false).expect("finish");
    expected.extend_from_slice(&c);

    // A tiny append whose staging is lost again, then the same offset.
    let mut w = second
        .append("up-1", &st, expected.len() as u64)
        .expect("append");
    w.write(b"lost bytes").expect("write");
    let _lost = w.finish(false).expect("finish");
    let d = bytes(4, 5 * MIB - 1);
    let mut w = first
        .append("up-1", &st, expected.len() as u64)
        .expect("append");
    w.write(&d).expect("write");
    let st = w.finish(false).expect("finish");
    expected.extend_from_slice(&d);
    // One byte makes the tail exactly a minimal part.
    let mut w = second
        .append("up-1", &st, expected.len() as u64)
        .expect("append");
    w.write(b"!").expect("write");
    let st = w.finish(false).expect("finish");
    expected.push(b'!');

    // Neither past what is held, nor (S3) back inside a part sent.
    assert!(first
        .append("up-1", &st, expected.len() as u64 + 1)
        .is_err());

    let e = bytes(5, 3 * MIB + 3);
    let mut w = first
        .append("up-1", &st, expected.len() as u64)
        .expect("append");
    w.write(&e).expect("write");
    let st = w.finish(true).expect("finish");
    expected.extend_from_slice(&e);
    assert!(
        !place.contents().contains(&"up-1".to_owned()),
        "visible before completion"
    );
    second.complete("up-1", &st).expect("complete");
    let got = read(first.as_ref(), "up-1", None);
    assert_eq!(got.len(), expected.len());
    assert!(got == expected, "content differs");
    let mid = 8 * MIB as u64 - 3;
    assert_eq!(
        read(first.as_ref(), "up-1", Some((mid, 6))),
        &expected[mid as usize..mid as usize + 6]
    );
    // Nothing else left: no tail, no upload in progress.
    assert_eq!(place.contents(), ["up-1"]);
}

#[test]
fn staged_uploads_of_zero_bytes_tails_only_and_aborts() {
    let place = Place::new();
    let store = place.open();
    // Zero bytes, with an empty last append…
    let st = store.stage("z-1").expect("stage");
    let w = store.append("z-1", &st, 0).expect("append");
    let st = w.finish(true).expect("finish");
    store.complete("z-1", &st).expect("complete");
    assert!(read(store.as_ref(), "z-1", None).is_empty());
    // …or with no append at all.
    let st = store.stage("z-2").expect("stage");
    store.complete("z-2", &st).expect("complete");
    assert!(read(store.as_ref(), "z-2", None).is_empty());

    // Only a tail, never flushed by a last finish: completion flushes it.
    let st = store.stage("t-1").expect("stage");
    let mut w = store.append("t-1", &st, 0).expect("append");
    w.write(b"hello ").expect("write");
    let st = w.finish(false).expect("finish");
    let mut w = store.append("t-1", &st, 6).expect("append");
    w.write(b"world").expect("write");
    let st = w.finish(false).expect("finish");
    place.open().complete("t-1", &st).expect("complete");
    assert_eq!(read(store.as_ref(), "t-1", None), b"hello world");
    // Again, as a caller that died before recording the completion would
    // (S3: the upload and its tail are gone, the object answers for them;
    // the local disk's rename is not repeatable).
    if place.url.is_some() {
        store.complete("t-1", &st).expect("complete twice");
        assert_eq!(read(store.as_ref(), "t-1", None), b"hello world");
    }

    // Aborted with a part and a tail out: all of it goes.
    let st = store.stage("a-1").expect("stage");
    let mut w = store.append("a-1", &st, 0).expect("append");
    w.write(&bytes(1, 6 * MIB)).expect("write");
    let st = w.finish(false).expect("finish");
    let mut w = store.append("a-1", &st, 6 * MIB as u64).expect("append");
    w.write(&bytes(2, MIB)).expect("write");
    let st = w.finish(false).expect("finish");
    store.abort("a-1", &st).expect("abort");
    store.abort("a-1", &st).expect("abort twice");
    assert!(store.get("a-1", None).is_err());
    assert_eq!(place.contents(), ["t-1", "z-1", "z-2"]);
}

/// From actix's blocking pool, as the handlers call it; a temporary
/// object dropped in async code is discarded all the same.
#[actix_web::test]
async fn the_storage_works_from_the_blocking_pool_and_drops_in_async_code() {
    let place = Arc::new(Place::new());
    let store = place.open();
    let s = store.clone();
    let temp = actix_web::web::block(move || {
        let mut t = s.put("blk-1")?;
        t.write(&bytes(3, 9 * MIB))?;
        Ok::<_, std::io::Error>(t)
    })
    .await
    .expect("block")
    .expect("put");
    drop(temp);
    let s = store.clone();
    actix_web::web::block(move || {
        let mut t = s.put("blk-2")?;
        t.write(b"kept")?;
        t.commit()
    })
    .await
    .expect("block")
    .expect("commit");
    let mut left = Vec::new();
    for _ in 0..100 {
        let p = place.clone();
        left = actix_web::web::block(move || p.contents())
            .await
            .expect("block");
        if left == ["blk-2"] {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, ["blk-2"]);
    let s = store.clone();
    let got = actix_web::web::block(move || read(s.as_ref(), "blk-2", Some((1, 3))))
        .await
        .expect("block");
    assert_eq!(got, b"ept");
}

#[test]
fn a_bad_storage_url_is_a_clear_startup_error() {
    use habilis_api::config::Config;
    for bad in [
        "s3://",
        "s3://bucket?endpoint=ftp://host",
        "s3://bucket?colour=blue",
        "gs://bucket",
        "file://",
    ] {
        let config = Config {
            storage_url: Some(bad.into()),
            ..Config::default()
        };
        let err = habilis_api::storage::from_config(&config)
            .err()
            .expect("refused");
        assert!(err.starts_with("HABILIS_STORAGE_URL: "), "{bad}: {err}");
    }
}

/// A TCP relay to `upstream` that cuts the first connection whose answers
/// pass `limit` bytes (a network that drops a download midway); `cut`
/// tells whether it did.
fn cutting_relay(upstream: String, limit: usize) -> (String, Arc<std::sync::atomic::AtomicBool>) {
    use std::io::Write;
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let cut = Arc::new(AtomicBool::new(false));
    let flag = cut.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(&upstream) else {
                continue;
            };
            let (mut c_in, mut s_out) = (
                client.try_clone().expect("clone"),
                server.try_clone().expect("clone"),
            );
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c_in, &mut s_out);
                let _ = s_out.shutdown(Shutdown::Write);
            });
            let flag = flag.clone();
            std::thread::spawn(move || {
                let (mut server, mut client) = (server, client);
                let mut buf = vec![0u8; 64 * 1024];
                let mut passed = 0;
                loop {
                    let n = match server.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if client.write_all(&buf[..n]).is_err() {
                        break;
                    }
                    passed += n;
                    if passed > limit && !flag.swap(true, Ordering::SeqCst) {
                        break;
                    }
                }
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
            });
        }
    });
    (addr, cut)
}

/// On S3 (a test with nothing to cut on the local disk): a download whose
/// connection drops midway goes on from where it stopped, bit for bit.
#[test]
fn an_s3_download_cut_midway_goes_on_where_it_stopped() {
    use std::sync::atomic::Ordering;
    let place = Place::new();
    let Some(url) = place.url.clone() else {
        return;
    };
    let store = place.open();
    let content = bytes(7, 12 * MIB + 5);
    let mut t = store.put("cut-1").expect("put");
    t.write(&content).expect("write");
    t.commit().expect("commit");

    let parts = habilis_api::storage::S3Url::parse(&url).expect("url");
    let endpoint = parts.endpoint.expect("the test server has an endpoint");
    let upstream = endpoint.trim_start_matches("http://").to_owned();
    let (relay, cut) = cutting_relay(upstream, 3 * MIB);
    let through = format!(
        "s3://{}/{}?endpoint=http://{relay}&region={}",
        parts.bucket,
        parts.prefix.unwrap_or_default(),
        parts.region.unwrap_or_else(|| "us-east-1".into())
    );
    let relayed = S3Storage::open(&through).expect("relayed storage");
    let got = read(&relayed, "cut-1", None);
    assert!(cut.load(Ordering::SeqCst), "the relay never cut");
    assert_eq!(got.len(), content.len());
    assert!(got == content, "content differs after the cut");
}

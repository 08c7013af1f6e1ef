//! Storage: migrations up/down/up, the outbox under concurrent workers,
//! audit-chain verification.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use habilis_api::db::schema::{audit_log, outbox};
use habilis_api::mail::{self, Deliver, OutboxRow};
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn every_migration_goes_up_down_and_up_again() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let (reverted, reapplied) = app
        .with_db(|c| {
            let reverted = c.revert_all().expect("down");
            let pending = c.has_pending_migrations().expect("pending");
            let reapplied = c.migrate().expect("up again");
            assert!(pending);
            assert!(!c.has_pending_migrations().expect("pending"));
            (reverted, reapplied)
        })
        .await;
    assert!(!reverted.is_empty());
    let mut r = reverted.clone();
    r.reverse();
    assert_eq!(r, reapplied);
}

#[test]
fn migration_trees_have_identical_names() {
    let list = |backend: &str| {
        let dir = format!("{}/../migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(list("sqlite"), list("postgres"));
}

#[test]
fn an_unreachable_database_is_a_clear_error() {
    let err = habilis_api::db::connect_pool("postgres://nobody@127.0.0.1:1/none", 1)
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("cannot connect to postgresql database"),
        "{err}"
    );
    let err = habilis_api::db::connect_pool("mysql://x", 1).expect_err("refused");
    assert!(
        err.to_string().contains("unsupported DATABASE_URL"),
        "{err}"
    );
}

/// Counts deliveries per message id.
#[derive(Default)]
struct Counting {
    seen: Mutex<Vec<String>>,
    calls: AtomicUsize,
}

impl Deliver for Counting {
    fn deliver(&self, msg: &OutboxRow) -> Result<(), String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(2));
        self.seen
            .lock()
            .map_err(|e| e.to_string())?
            .push(msg.id.clone());
        Ok(())
    }
}

#[actix_web::test]
async fn two_workers_never_send_one_mail_twice() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let now = app.state.now();
    app.with_db(move |c| {
        // Start from an empty outbox (the bootstrap admin's mail is in it).
        diesel::delete(outbox::table).execute(c).expect("clear");
        for i in 0..60 {
            mail::enqueue(
                c,
                now,
                &mail::Mail {
                    to: format!("p{i}@inserm.fr"),
                    subject: "s".into(),
                    body: "b".into(),
                },
            )
            .expect("enqueue");
        }
    })
    .await;
    let sink = Arc::new(Counting::default());
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let pool = app.state.pool.clone();
            let sink = sink.clone();
            std::thread::spawn(move || {
                let mut total = 0;
                for _ in 0..50 {
                    total +=
                        mail::deliver_due(&pool, sink.as_ref(), &format!("worker-{w}"), now, 7)
                            .expect("pass");
                }
                total
            })
        })
        .collect();
    let sent: usize = workers.into_iter().map(|t| t.join().expect("worker")).sum();
    let mut seen = sink.seen.lock().expect("lock").clone();
    assert_eq!(sent, 60);
    assert_eq!(sink.calls.load(Ordering::SeqCst), 60);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 60, "each message delivered exactly once");
    let left: i64 = app
        .with_db(|c| {
            outbox::table
                .filter(outbox::sent_at.is_null())
                .count()
                .get_result(c)
                .expect("count")
        })
        .await;
    assert_eq!(left, 0);
}

struct Failing;
impl Deliver for Failing {
    fn deliver(&self, _: &OutboxRow) -> Result<(), String> {
        Err("smtp down".into())
    }
}

#[actix_web::test]
async fn failed_mail_is_retried_later() {
    let app = TestApp::builder().without_mail_worker().start().await;
    let now = app.state.now();
    app.with_db(move |c| {
        diesel::delete(outbox::table).execute(c).expect("clear");
        mail::enqueue(
            c,
            now,
            &mail::Mail {
                to: "a@inserm.fr".into(),
                subject: "s".into(),
                body: "b".into(),
            },
        )
        .expect("enqueue");
    })
    .await;
    let pool = app.state.pool.clone();
    let first = actix_web::web::block(move || mail::deliver_due(&pool, &Failing, "w", now, 100))
        .await
        .expect("block")
        .expect("pass");
    assert_eq!(first, 0);
    let (attempts, error): (i32, Option<String>) = app
        .with_db(|c| {
            outbox::table
                .filter(outbox::to_addr.eq("a@inserm.fr"))
                .select((outbox::attempts, outbox::last_error))
                .first(c)
                .expect("row")
        })
        .await;
    assert_eq!((attempts, error.as_deref()), (1, Some("smtp down")));
    // Not due again immediately; due after the backoff.
    let sink = Arc::new(Counting::default());
    let (pool, s) = (app.state.pool.clone(), sink.clone());
    let again = actix_web::web::block(move || mail::deliver_due(&pool, s.as_ref(), "w", now, 100))
        .await
        .expect("block")
        .expect("pass");
    assert!(again <= 1);
    let later = now + chrono::Duration::minutes(5);
    let (pool, s) = (app.state.pool.clone(), sink.clone());
    let delivered =
        actix_web::web::block(move || mail::deliver_due(&pool, s.as_ref(), "w", later, 100))
            .await
            .expect("block")
            .expect("pass");
    assert_eq!(again + delivered, 1);
}

#[actix_web::test]
async fn audit_verify_finds_a_tampered_row() {
    let app = TestApp::new().await;
    let h = app.hierarchy().await;
    let _ = h;
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    let rows = match verdict {
        habilis_api::audit::Verdict::Ok { rows } => rows,
        other => panic!("chain should verify: {other:?}"),
    };
    assert!(rows >= 10, "{rows}");
    // Someone with database access rewrites history.
    app.with_db(|c| {
        diesel::update(audit_log::table.filter(audit_log::seq.eq(3)))
            .set(audit_log::detail.eq(json!({ "forged": true }).to_string()))
            .execute(c)
            .expect("tamper");
    })
    .await;
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(
        matches!(verdict, habilis_api::audit::Verdict::Broken { seq: 3, .. }),
        "{verdict:?}"
    );
}

#[actix_web::test]
async fn audit_verify_finds_a_deleted_row() {
    let app = TestApp::new().await;
    let _ = app.hierarchy().await;
    app.with_db(|c| {
        diesel::delete(audit_log::table.filter(audit_log::seq.eq(4)))
            .execute(c)
            .expect("delete");
    })
    .await;
    let verdict = app
        .with_db(|c| habilis_api::audit::verify(c).expect("verify"))
        .await;
    assert!(
        matches!(verdict, habilis_api::audit::Verdict::Broken { seq: 4, .. }),
        "{verdict:?}"
    );
}

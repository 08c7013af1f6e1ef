//! The outbox row of `make bench` (issue 18): how fast the real delivery
//! pass ([`habilis_api::mail::deliver_due`], batches of 50 as `serve`'s
//! worker) drains mail with [`LARGE`] e-mails pending vs with [`SMALL`].
//! The goal is a flat rate (≥ 0.8): the claim query must find the due
//! messages through its index, not by sorting the backlog.
//!
//! Both sides deliver [`MEASURED`] messages to `.eml` files (the embedded
//! transport) through the stack's database, whose server runs no mail
//! worker of its own (`mail_poll_ms = 0`): with [`SMALL`] pending, the
//! backlog is queued again each time it is drained; with [`LARGE`], the
//! first [`MEASURED`] of it. Rows pending before the run are set aside
//! (marked sent) so that each side counts its own.

use std::time::Instant;

use chrono::Utc;
use diesel::prelude::*;
use habilis_api::clock::db_time;
use habilis_api::db::schema::outbox;
use habilis_api::db::DbConn;
use habilis_api::mail::{self, Mail};

use crate::stack::Stack;

/// The small backlog.
pub const SMALL: usize = 100;
/// The large backlog.
pub const LARGE: usize = 100_000;
/// Messages delivered and timed on each side.
pub const MEASURED: usize = 2_000;
/// The batch of `serve`'s mail worker.
const BATCH: i64 = 50;

pub struct Outbox {
    pub small_per_sec: f64,
    pub large_per_sec: f64,
}

impl Outbox {
    pub fn ratio(&self) -> f64 {
        self.large_per_sec / self.small_per_sec
    }
}

/// Queues `n` messages in transactions of 5,000.
fn queue(conn: &mut DbConn, n: usize) -> anyhow::Result<()> {
    let now = Utc::now();
    let mut left = n;
    while left > 0 {
        let take = left.min(5_000);
        conn.transaction(|conn| -> QueryResult<()> {
            for i in 0..take {
                mail::enqueue(
                    conn,
                    now,
                    &Mail {
                        to: format!("bench{i}@inserm.fr"),
                        subject: "Your ticket was updated".into(),
                        body: "An agent answered your ticket.\n\nReply to this e-mail to add a comment.\n".into(),
                    },
                )?;
            }
            Ok(())
        })?;
        left -= take;
    }
    Ok(())
}

/// Marks every pending message as sent: the side that follows counts its own.
fn set_aside(conn: &mut DbConn) -> anyhow::Result<()> {
    diesel::update(outbox::table.filter(outbox::sent_at.is_null()))
        .set(outbox::sent_at.eq(db_time(Utc::now())))
        .execute(conn)?;
    Ok(())
}

/// Delivers `n` messages, batch after batch; the seconds it took.
fn drain(stack: &Stack, deliver: &dyn mail::Deliver, n: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut sent = 0;
    while sent < n {
        let got = mail::deliver_due(&stack.pool, deliver, "bench", Utc::now(), BATCH)
            .map_err(|e| anyhow::anyhow!(e))?;
        if got == 0 {
            anyhow::bail!("the outbox ran dry after {sent} of {n}");
        }
        sent += got;
    }
    Ok(started.elapsed().as_secs_f64())
}

pub fn run(stack: &Stack) -> anyhow::Result<Outbox> {
    let dir = stack.dir.join("bench-mail");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let deliver =
        mail::transport(None, dir.clone(), "habilis@localhost").map_err(|e| anyhow::anyhow!(e))?;
    let mut pooled = stack.pool.get()?;
    let conn: &mut DbConn = &mut pooled;

    set_aside(conn)?;
    let mut small_secs = 0.0;
    for _ in 0..MEASURED / SMALL {
        queue(conn, SMALL)?;
        small_secs += drain(stack, deliver.as_ref(), SMALL)?;
    }

    set_aside(conn)?;
    queue(conn, LARGE)?;
    let large_secs = drain(stack, deliver.as_ref(), MEASURED)?;
    set_aside(conn)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Outbox {
        small_per_sec: MEASURED as f64 / small_secs,
        large_per_sec: MEASURED as f64 / large_secs,
    })
}

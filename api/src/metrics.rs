//! `/metrics` in the Prometheus text format: requests and a latency
//! histogram by route pattern, method and status; pool use; outbox and job
//! backlogs; job failures, lockouts and failed audit writes.
//! Counters live per process (Prometheus scrapes every replica); the event
//! counters are process-wide statics, counted where the event happens.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// A counter of events of this process.
pub struct Counter(AtomicU64);

impl Counter {
    const fn new() -> Self {
        Counter(AtomicU64::new(0))
    }
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Background job runs that failed (each is retried later).
pub static JOB_FAILURES: Counter = Counter::new();
/// Sign-ins refused because the account or the client IP is locked out.
pub static LOCKOUTS: Counter = Counter::new();
/// Audit entries that could not be written (their change is rolled back).
pub static AUDIT_WRITE_FAILURES: Counter = Counter::new();

/// Gauges read from the database at scrape time (`None` when it could not
/// be read).
#[derive(Default)]
pub struct Backlogs {
    pub outbox: Option<i64>,
    pub jobs: Option<i64>,
}

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let Ok(mut map) = self.series.lock() else {
            return;
        };
        let s = map
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default();
        s.count += 1;
        s.sum += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    pub fn render(&self, pool: r2d2::State, pool_max: u32, backlogs: Backlogs) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP habilis_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE habilis_http_requests_total counter\n");
        let map = match self.series.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        for ((route, method, status), s) in map.iter() {
            let _ = writeln!(
                out,
                "habilis_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP habilis_http_request_duration_seconds Request latency.\n");
        out.push_str("# TYPE habilis_http_request_duration_seconds histogram\n");
        for ((route, method, status), s) in map.iter() {
            let labels = format!("route=\"{route}\",method=\"{method}\",status=\"{status}\"");
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "habilis_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "habilis_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "habilis_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "habilis_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out.push_str("# HELP habilis_db_pool_connections Database pool connections.\n");
        out.push_str("# TYPE habilis_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "habilis_db_pool_connections{{state=\"open\"}} {}",
            pool.connections
        );
        let _ = writeln!(
            out,
            "habilis_db_pool_connections{{state=\"idle\"}} {}",
            pool.idle_connections
        );
        let _ = writeln!(
            out,
            "habilis_db_pool_connections{{state=\"in_use\"}} {}",
            pool.connections.saturating_sub(pool.idle_connections)
        );
        let _ = writeln!(
            out,
            "habilis_db_pool_connections{{state=\"max\"}} {pool_max}"
        );
        if let Some(n) = backlogs.outbox {
            out.push_str("# HELP habilis_outbox_backlog E-mails waiting for delivery.\n");
            out.push_str("# TYPE habilis_outbox_backlog gauge\n");
            let _ = writeln!(out, "habilis_outbox_backlog {n}");
        }
        if let Some(n) = backlogs.jobs {
            out.push_str("# HELP habilis_job_backlog Background jobs due and not done.\n");
            out.push_str("# TYPE habilis_job_backlog gauge\n");
            let _ = writeln!(out, "habilis_job_backlog {n}");
        }
        for (name, help, counter) in [
            (
                "habilis_job_failures_total",
                "Background job runs that failed (retried later).",
                &JOB_FAILURES,
            ),
            (
                "habilis_lockouts_total",
                "Sign-ins refused because the account or the client IP is locked out.",
                &LOCKOUTS,
            ),
            (
                "habilis_audit_write_failures_total",
                "Audit entries that could not be written (their change was rolled back).",
                &AUDIT_WRITE_FAILURES,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            let _ = writeln!(out, "{name} {}", counter.get());
        }
        out
    }
}

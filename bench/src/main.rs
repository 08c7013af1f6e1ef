//! `make bench`: Habilis measured side by side with its floor and its
//! alternatives in one run, because these machines are noisy and only
//! ratios mean something (issue 7). Prints a table and writes
//! `results/latest.json` (or the path given as the first argument).
//!
//! - policy decision vs casbin (single thread, [`policy`]);
//! - the job scheduler's decisions per second over 10,000 queued jobs and
//!   its fairness within a rank (pure, single thread, [`scheduler`]);
//! - authenticated read vs a bare actix-web + diesel server doing the same
//!   query in a process of its own (the floor), 64 and 200 connections, on
//!   SQLite and on PostgreSQL ([`stack`]);
//! - login vs raw argon2id verification with the same parameters;
//! - token refresh per second;
//! - `GET /api/v1/users` with 100,000 accounts, page 1 vs page 50;
//! - `GET /api/v1/projects` with 25 visible projects vs the read floor;
//! - a 1 GiB tus upload through the whole stack vs `dd … conv=fsync` of the
//!   same bytes on the same file system, its download vs a bare actix-web
//!   `NamedFile`, and the server's memory growth during the upload
//!   ([`transfer`]; the server is a `habilis serve` process of its own);
//! - launch-to-running of the catalog's PostgreSQL offering vs `initdb` +
//!   `pg_ctl start` by hand, and the idle sweep over 10,000 instances by
//!   one replica and by three at once ([`services`]);
//! - end-to-end dispatch through the database by three replicas of the
//!   real dispatcher, 64 slots each, over 5,000 queued jobs of 64 people
//!   running
//!   `/bin/true`, against Slurm's documented sustained rate, and the same
//!   without processes ([`dispatch`]);
//! - the outbox's delivery rate with 100,000 e-mails pending vs with 100
//!   ([`outbox`]).
//!
//! The load generator is `wrk` ([`wrk`]). Every HTTP comparison runs its
//! two sides in the order A B B A and averages, so that a drift of the
//! machine during the run weighs on both sides alike. The read floor runs in
//! a process of its own (`habilis-floor`, [`stack`]), never inside the
//! measured one.
//!
//! Environment: `HABILIS_BENCH_SECS` (seconds per load run, default 2);
//! `HABILIS_BENCH_ROWS`, a comma-separated subset of `policy,scheduler,
//! read,login,refresh,list,projects,transfer,services,dispatch,outbox` (default all; a
//! subset without a database row starts no database); `HABILIS_BENCH_DB`, `sqlite`,
//! `postgres` or both (default both). A partial run prints its table but
//! writes no JSON unless an output path is given.

mod dispatch;
mod outbox;
mod policy;
mod scheduler;
mod services;
mod stack;
mod transfer;
mod wrk;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use stack::{Backend, People, Stack, PASSWORD};
use wrk::{Load, Run};

/// Accounts seeded for the list comparison (and present during the others).
const ACCOUNTS: usize = 100_000;

struct Settings {
    secs: u32,
    cores: u32,
    scripts: PathBuf,
    rows: Vec<String>,
}

impl Settings {
    /// Whether the row `name` was asked for.
    fn wants(&self, name: &str) -> bool {
        self.rows.is_empty() || self.rows.iter().any(|r| r == name)
    }

    /// A load run on `url`: one `wrk` thread per core, `secs` long.
    fn load<'a>(&self, url: &'a str, connections: u32) -> Run<'a> {
        Run::new(url, connections, self.cores, self.secs)
    }
}

/// One line of the table.
struct Line {
    comparison: String,
    habilis: String,
    floor: String,
    ratio: String,
    goal: String,
    met: bool,
    detail: Value,
}

/// A comma-separated list from the environment (empty: everything).
fn list_var(name: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn main() -> anyhow::Result<()> {
    let rows = list_var("HABILIS_BENCH_ROWS");
    let dbs = list_var("HABILIS_BENCH_DB");
    let partial = !rows.is_empty() || !dbs.is_empty();
    let out = std::env::args()
        .nth(1)
        .or_else(|| (!partial).then(|| "results/latest.json".into()));
    let secs = std::env::var("HABILIS_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let scripts = std::env::temp_dir().join(format!("habilis-bench-lua-{}", std::process::id()));
    std::fs::create_dir_all(&scripts)?;
    let settings = Settings {
        secs,
        cores,
        scripts,
        rows,
    };
    let started = Instant::now();
    let mut lines = Vec::new();

    if settings.wants("policy") {
        policy_lines(&mut lines)?;
    }
    if settings.wants("scheduler") {
        scheduler_lines(&mut lines)?;
    }
    let database_rows = [
        "read", "login", "refresh", "list", "projects", "transfer", "services", "dispatch",
        "outbox",
    ];
    let no_database = !database_rows.iter().any(|r| settings.wants(r));

    for backend in [Backend::Sqlite, Backend::Postgres] {
        if no_database {
            break;
        }
        if !dbs.is_empty() && !dbs.iter().any(|d| d == backend.name()) {
            continue;
        }
        eprintln!("{}: seeding {ACCOUNTS} accounts…", backend.name());
        let stack = Stack::start(backend)?;
        let seeded = Instant::now();
        let people = stack.seed(ACCOUNTS)?;
        let seed_secs = seeded.elapsed().as_secs_f64();
        eprintln!("{}: seeded in {seed_secs:.1} s", backend.name());
        if settings.wants("read") {
            for conns in [64, 200] {
                lines.push(authenticated_read(&settings, &stack, &people, conns)?);
            }
        }
        if settings.wants("login") {
            lines.push(login_vs_argon2(&settings, &stack, &people)?);
        }
        if settings.wants("refresh") {
            lines.push(refresh(&settings, &stack, &people)?);
        }
        if settings.wants("list") {
            lines.push(list_at_scale(&settings, &stack, &people)?);
        }
        if settings.wants("projects")
            || settings.wants("transfer")
            || settings.wants("services")
            || settings.wants("dispatch")
        {
            stack.seed_projects(&people)?;
        }
        if settings.wants("projects") {
            lines.push(project_list(&settings, &stack, &people)?);
        }
        if settings.wants("transfer") {
            transfer_lines(&mut lines, &stack, &people)?;
        }
        if settings.wants("services") {
            service_lines(&mut lines, &stack, &people)?;
        }
        if settings.wants("dispatch") {
            dispatch_lines(&mut lines, &stack, &people)?;
        }
        if settings.wants("outbox") {
            lines.push(outbox_line(&stack)?);
        }
    }

    println!();
    println!(
        "make bench, {} on {} cores, {} s per load run, {:.0} s in all",
        chrono::Utc::now().format("%Y-%m-%d"),
        cores,
        secs,
        started.elapsed().as_secs_f64()
    );
    println!("| comparison | habilis | floor / alternative | ratio | goal | met |");
    println!("|---|---|---|---|---|---|");
    for l in &lines {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            l.comparison,
            l.habilis,
            l.floor,
            l.ratio,
            l.goal,
            if l.met { "yes" } else { "**no**" }
        );
    }
    let json = json!({
        "date": chrono::Utc::now().to_rfc3339(),
        "machine": cpu_model(),
        "cores": cores,
        "seconds_per_load_run": secs,
        "load_generator": wrk_version(),
        "comparisons": lines.iter().map(|l| json!({
            "comparison": l.comparison,
            "habilis": l.habilis,
            "floor": l.floor,
            "ratio": l.ratio,
            "goal": l.goal,
            "met": l.met,
            "detail": l.detail,
        })).collect::<Vec<_>>(),
    });
    let _ = std::fs::remove_dir_all(&settings.scripts);
    if let Some(out) = out {
        std::fs::write(&out, serde_json::to_string_pretty(&json)? + "\n")?;
        println!("written to {out}");
    }
    Ok(())
}

/// The policy decision against casbin, single thread, two lines.
fn policy_lines(lines: &mut Vec<Line>) -> anyhow::Result<()> {
    eprintln!("policy decision vs casbin…");
    let p = policy::run()?;
    lines.push(Line {
        comparison: format!("policy decision vs casbin CachedEnforcer ({} questions)", p.questions),
        habilis: format!("{:.0} ns", p.habilis_ns),
        floor: format!("{:.0} ns", p.casbin_cached_ns),
        ratio: format!("{:.1}× faster", p.vs_cached()),
        goal: "≥ 10× faster".into(),
        met: p.vs_cached() >= 10.0,
        detail: json!({ "habilis_ns": p.habilis_ns, "casbin_cached_ns": p.casbin_cached_ns, "ratio": p.vs_cached() }),
    });
    lines.push(Line {
        comparison: format!("policy decision vs casbin Enforcer ({} questions)", p.questions),
        habilis: format!("{:.0} ns", p.habilis_ns),
        floor: format!("{:.0} ns", p.casbin_plain_ns),
        ratio: format!("{:.0}× faster", p.vs_plain()),
        goal: "≥ 500× faster".into(),
        met: p.vs_plain() >= 500.0,
        detail: json!({ "habilis_ns": p.habilis_ns, "casbin_plain_ns": p.casbin_plain_ns, "ratio": p.vs_plain() }),
    });
    Ok(())
}

/// The scheduler alone: decisions per second, and fairness within a rank.
fn scheduler_lines(lines: &mut Vec<Line>) -> anyhow::Result<()> {
    eprintln!("scheduler decisions…");
    let r = scheduler::run()?;
    lines.push(Line {
        comparison: format!(
            "scheduler decisions, {} queued jobs of {} people, 6 profiles",
            scheduler::JOBS,
            scheduler::PEOPLE
        ),
        habilis: format!(
            "{:.0} decisions/s (build {:.1} ms)",
            r.decisions_per_sec, r.build_ms
        ),
        floor: "Slurm's documented sustained rate: 500 jobs/s".into(),
        ratio: format!("{:.0}×", r.decisions_per_sec / 500.0),
        goal: "≥ 50,000 decisions/s".into(),
        met: r.decisions_per_sec >= 50_000.0,
        detail: json!({
            "decisions": r.decisions,
            "decisions_per_sec": r.decisions_per_sec,
            "build_ms": r.build_ms,
            "decisions_per_snapshot": r.per_build,
            "capacity": scheduler::CAPACITY,
        }),
    });
    lines.push(Line {
        comparison: format!(
            "scheduler fairness within a rank, {} decisions among {} people",
            scheduler::FAIR_DECISIONS,
            scheduler::FAIR_PEOPLE
        ),
        habilis: format!(
            "Jain index {:.4} ({}–{} jobs each)",
            r.jain, r.fair_min, r.fair_max
        ),
        floor: "1 (equal shares)".into(),
        ratio: format!("{:.4}", r.jain),
        goal: "≥ 0.99".into(),
        met: r.jain >= 0.99,
        detail: json!({ "jain": r.jain, "min": r.fair_min, "max": r.fair_max }),
    });
    Ok(())
}

/// Runs `a` and `b` in the order A B B A; the mean of each side.
fn abba(
    mut a: impl FnMut() -> anyhow::Result<Load>,
    mut b: impl FnMut() -> anyhow::Result<Load>,
) -> anyhow::Result<(Load, Load)> {
    let a1 = a()?;
    let b1 = b()?;
    let b2 = b()?;
    let a2 = a()?;
    Ok((mean(a1, a2), mean(b1, b2)))
}

fn mean(x: Load, y: Load) -> Load {
    Load {
        requests_per_sec: (x.requests_per_sec + y.requests_per_sec) / 2.0,
        p50_ms: (x.p50_ms + y.p50_ms) / 2.0,
        p99_ms: (x.p99_ms + y.p99_ms) / 2.0,
        requests: x.requests + y.requests,
    }
}

fn login(stack: &Stack, email: &str) -> anyhow::Result<Value> {
    let mut res = ureq::post(format!("{}/api/v1/auth/login", stack.app))
        .send_json(json!({ "email": email, "password": PASSWORD }))?;
    Ok(res.body_mut().read_json::<Value>()?)
}

fn access(stack: &Stack, email: &str) -> anyhow::Result<String> {
    let pair = login(stack, email)?;
    pair["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no access token for {email}: {pair}"))
}

fn get_json(url: &str, bearer: &str) -> anyhow::Result<Value> {
    let mut res = ureq::get(url)
        .header("authorization", &format!("Bearer {bearer}"))
        .call()?;
    Ok(res.body_mut().read_json::<Value>()?)
}

/// `GET /api/v1/users/{id}` by an expert reading a novice two levels down
/// (JWT, caller load, relation, secondments, policy) vs the floor.
fn authenticated_read(
    s: &Settings,
    stack: &Stack,
    people: &People,
    conns: u32,
) -> anyhow::Result<Line> {
    eprintln!(
        "{}: authenticated read, {conns} connections…",
        stack.backend.name()
    );
    let token = access(stack, &people.expert)?;
    let app_url = format!("{}/api/v1/users/{}", stack.app, people.novice_id);
    let floor_url = format!("{}/users/{}", stack.floor, people.novice_id);
    // Same question, same answer: otherwise the floor would not be one.
    let via_app = get_json(&app_url, &token)?;
    let via_floor = get_json(&floor_url, "")?;
    if via_app != via_floor {
        anyhow::bail!("the floor answers differently:\n{via_app}\n{via_floor}");
    }
    let auth = [("Authorization", format!("Bearer {token}"))];
    let run = |url: &str, headers: &[(&str, String)]| s.load(url, conns).headers(headers).go();
    let (app, floor) = abba(|| run(&app_url, &auth), || run(&floor_url, &[]))?;
    let ratio = app.requests_per_sec / floor.requests_per_sec;
    let p99_ratio = app.p99_ms / floor.p99_ms;
    Ok(Line {
        comparison: format!(
            "authenticated read vs floor, {}, {conns} connections",
            stack.backend.name()
        ),
        habilis: format!(
            "{:.0} req/s, p99 {:.1} ms",
            app.requests_per_sec, app.p99_ms
        ),
        floor: format!(
            "{:.0} req/s, p99 {:.1} ms",
            floor.requests_per_sec, floor.p99_ms
        ),
        ratio: format!("{ratio:.2} of the floor, p99 {p99_ratio:.1}×"),
        goal: "≥ 0.6 of the floor, p99 ≤ 2×".into(),
        met: ratio >= 0.6 && p99_ratio <= 2.0,
        detail: json!({ "backend": stack.backend.name(), "connections": conns, "habilis": app, "floor": floor, "ratio": ratio, "p99_ratio": p99_ratio }),
    })
}

/// `GET /api/v1/projects` by the expert, who sees [`stack::PROJECTS`]
/// projects through their organisation, vs the read floor (64 connections).
fn project_list(s: &Settings, stack: &Stack, people: &People) -> anyhow::Result<Line> {
    eprintln!("{}: project list vs read floor…", stack.backend.name());
    let conns = 64;
    let token = access(stack, &people.expert)?;
    let app_url = format!("{}/api/v1/projects", stack.app);
    let floor_url = format!("{}/users/{}", stack.floor, people.novice_id);
    let list = get_json(&app_url, &token)?;
    let seen = list["items"].as_array().map_or(0, Vec::len);
    if seen != stack::PROJECTS {
        anyhow::bail!("the expert sees {seen} projects, not {}", stack::PROJECTS);
    }
    let auth = [("Authorization", format!("Bearer {token}"))];
    let run = |url: &str, headers: &[(&str, String)]| s.load(url, conns).headers(headers).go();
    let (app, floor) = abba(|| run(&app_url, &auth), || run(&floor_url, &[]))?;
    let ratio = app.requests_per_sec / floor.requests_per_sec;
    Ok(Line {
        comparison: format!(
            "GET /projects ({} visible) vs read floor, {}, {conns} connections",
            stack::PROJECTS,
            stack.backend.name()
        ),
        habilis: format!(
            "{:.0} req/s, p99 {:.1} ms",
            app.requests_per_sec, app.p99_ms
        ),
        floor: format!(
            "{:.0} req/s, p99 {:.1} ms",
            floor.requests_per_sec, floor.p99_ms
        ),
        ratio: format!("{ratio:.2} of the floor"),
        goal: "≥ 0.5 of the floor".into(),
        met: ratio >= 0.5,
        detail: json!({ "backend": stack.backend.name(), "connections": conns, "projects": stack::PROJECTS, "habilis": app, "floor": floor, "ratio": ratio }),
    })
}

/// The service rows ([`services`]): launch-to-running of the PostgreSQL
/// offering vs `initdb` + `pg_ctl start` by hand, and the idle sweep over
/// 10,000 instances by one replica, then by three at once.
fn service_lines(lines: &mut Vec<Line>, stack: &Stack, people: &People) -> anyhow::Result<()> {
    let db = stack.backend.name();
    eprintln!("{db}: launch to running vs initdb + pg_ctl…");
    let token = access(stack, &people.expert)?;
    let l = services::launch(stack, &people.expert, &token)?;
    let ratio = l.api() / l.hand();
    lines.push(Line {
        comparison: format!("launch to running of the PostgreSQL offering vs initdb + pg_ctl start by hand, {db}"),
        habilis: format!("{:.2} s", l.api()),
        floor: format!("{:.2} s", l.hand()),
        ratio: format!("{ratio:.2}× the bare time"),
        goal: "≤ 1.3× the bare time".into(),
        met: ratio <= 1.3,
        detail: json!({ "backend": db, "api_secs": l.api_secs, "hand_secs": l.hand_secs, "ratio": ratio }),
    });
    eprintln!("{db}: idle sweep over {} instances…", services::SWEPT);
    let s = services::sweep(stack, &people.expert)?;
    let once = s.notices_three_replicas == services::SWEPT as i64;
    lines.push(Line {
        comparison: format!("idle sweep over {} instances (fake spawner reporting activity), {db}", services::SWEPT),
        habilis: format!(
            "{:.2} s one replica; 3 replicas: {} notices in {:.2} s",
            s.one_replica_secs, s.notices_three_replicas, s.three_replicas_secs
        ),
        floor: "—".into(),
        ratio: "—".into(),
        goal: format!("< 1 s, one replica; {} notices (none twice) with 3", services::SWEPT),
        met: s.one_replica_secs < 1.0 && once,
        detail: json!({ "backend": db, "instances": services::SWEPT, "one_replica_secs": s.one_replica_secs, "three_replicas_secs": s.three_replicas_secs, "notices_three_replicas": s.notices_three_replicas }),
    });
    Ok(())
}

/// The outbox row ([`outbox`]): delivery rate with a large backlog vs a
/// small one.
fn outbox_line(stack: &Stack) -> anyhow::Result<Line> {
    let db = stack.backend.name();
    eprintln!(
        "{db}: outbox delivery, {} vs {} pending…",
        outbox::LARGE,
        outbox::SMALL
    );
    let o = outbox::run(stack)?;
    let ratio = o.ratio();
    Ok(Line {
        comparison: format!(
            "outbox delivery rate (.eml files, batches of 50), {} e-mails pending vs {}, {db}",
            outbox::LARGE,
            outbox::SMALL
        ),
        habilis: format!("{:.0} e-mails/s", o.large_per_sec),
        floor: format!("{:.0} e-mails/s", o.small_per_sec),
        ratio: format!("{ratio:.2}"),
        goal: "≥ 0.8 (flat)".into(),
        met: ratio >= 0.8,
        detail: json!({ "backend": db, "large": outbox::LARGE, "small": outbox::SMALL, "measured": outbox::MEASURED, "large_per_sec": o.large_per_sec, "small_per_sec": o.small_per_sec, "ratio": ratio }),
    })
}

/// The dispatch rows ([`dispatch`]): three replicas of the real
/// dispatcher over the same database, first with the local executor
/// running `/bin/true`, then with an executor that starts nothing.
fn dispatch_lines(lines: &mut Vec<Line>, stack: &Stack, people: &People) -> anyhow::Result<()> {
    let db = stack.backend.name();
    for kind in [dispatch::Kind::Local, dispatch::Kind::Instant] {
        eprintln!(
            "{db}: dispatch of {} jobs by {} replicas, {} executor…",
            dispatch::JOBS,
            dispatch::REPLICAS,
            kind.name()
        );
        let d = dispatch::run(stack, people, kind)?;
        let what = match kind {
            dispatch::Kind::Local => "each job /bin/true run by the local executor",
            dispatch::Kind::Instant => "no process: an executor that finishes each job at once",
        };
        let ratio = d.jobs_per_sec / dispatch::SLURM_RATE;
        lines.push(Line {
            comparison: format!(
                "end-to-end dispatch through the database, {} replicas × {} slots, {} jobs of {} people, {what}, {db}",
                dispatch::REPLICAS,
                dispatch::REPLICA_SLOTS,
                d.jobs,
                dispatch::OWNERS
            ),
            habilis: format!(
                "{:.0} jobs/s, {} double dispatch ({} started in {:.2} s, all ended in {:.2} s)",
                d.jobs_per_sec,
                d.double(),
                d.jobs,
                d.start_secs,
                d.drain_secs
            ),
            floor: format!("Slurm's documented sustained rate: {:.0} jobs/s", dispatch::SLURM_RATE),
            ratio: format!("{ratio:.1}×"),
            goal: "≥ 1,000 jobs/s, 0 double dispatch".into(),
            met: d.jobs_per_sec >= 1_000.0 && d.double() == 0 && d.succeeded == d.jobs as i64,
            detail: json!({
                "backend": db,
                "executor": kind.name(),
                "jobs": d.jobs,
                "owners": dispatch::OWNERS,
                "replicas": dispatch::REPLICAS,
                "slots_per_replica": dispatch::REPLICA_SLOTS,
                "jobs_per_sec": d.jobs_per_sec,
                "start_secs": d.start_secs,
                "drain_secs": d.drain_secs,
                "started_per_replica": d.per_replica,
                "passes_per_replica": d.passes,
                "duplicate_ids": d.duplicate_ids,
                "attempts_over_one": d.attempts_over_one,
                "succeeded": d.succeeded,
            }),
        });
    }
    Ok(())
}

/// The transfer rows ([`transfer`]): upload vs `dd`, download vs
/// `NamedFile`, the server's memory growth during the upload.
fn transfer_lines(lines: &mut Vec<Line>, stack: &Stack, people: &People) -> anyhow::Result<()> {
    let t = transfer::run(stack, &people.expert)?;
    let db = stack.backend.name();
    let gib = transfer::FILE_BYTES >> 30;
    let chunk = transfer::CHUNK_BYTES >> 20;
    let up = t.upload() / t.dd();
    lines.push(Line {
        comparison: format!(
            "tus upload of {gib} GiB ({chunk} MiB PATCHes) vs dd conv=fsync, {db}"
        ),
        habilis: format!("{:.0} MB/s", t.upload()),
        floor: format!("{:.0} MB/s", t.dd()),
        ratio: format!("{up:.2} of the disk"),
        goal: "≥ 0.8 of the disk".into(),
        met: up >= 0.8,
        detail: json!({ "backend": db, "bytes": transfer::FILE_BYTES, "chunk_bytes": transfer::CHUNK_BYTES, "tus_mb_s": t.upload_mb_s, "dd_mb_s": t.dd_mb_s, "server_cpu_s": t.upload_cpu_s, "ratio": up }),
    });
    let down = t.download() / t.floor();
    lines.push(Line {
        comparison: format!("download of {gib} GiB vs actix-web NamedFile, {db}"),
        habilis: format!("{:.0} MB/s", t.download()),
        floor: format!("{:.0} MB/s", t.floor()),
        ratio: format!("{down:.2} of the floor"),
        goal: "≥ 0.8 of the floor".into(),
        met: down >= 0.8,
        detail: json!({ "backend": db, "bytes": transfer::FILE_BYTES, "habilis_mb_s": t.download_mb_s, "floor_mb_s": t.floor_mb_s, "ratio": down }),
    });
    let growth = t.rss_growth();
    lines.push(Line {
        comparison: format!("server RSS during the {gib} GiB upload, peak − idle, {db}"),
        habilis: format!("{growth:.1} MiB (idle {:.0} MiB)", t.idle_rss_mib[0]),
        floor: "—".into(),
        ratio: "—".into(),
        goal: "≤ 64 MiB".into(),
        met: growth <= 64.0,
        detail: json!({ "backend": db, "growth_mib": t.rss_growth_mib, "idle_mib": t.idle_rss_mib, "sampled_every_ms": 20 }),
    });
    Ok(())
}

/// Raw argon2id verifications per second on every core, with the stored
/// hash (so the same parameters), for `secs`.
fn argon2_per_sec(hash: &str, cores: u32, secs: u32) -> f64 {
    let until = Instant::now() + Duration::from_secs(u64::from(secs));
    let started = Instant::now();
    let total: u64 = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..cores)
            .map(|_| {
                scope.spawn(|| {
                    let mut n = 0u64;
                    while Instant::now() < until {
                        if habilis_api::auth::password::verify(hash, PASSWORD) {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    total as f64 / started.elapsed().as_secs_f64()
}

fn login_vs_argon2(s: &Settings, stack: &Stack, people: &People) -> anyhow::Result<Line> {
    eprintln!("{}: login vs argon2…", stack.backend.name());
    let hash: String = {
        use diesel::prelude::*;
        use habilis_api::db::schema::users;
        let mut pooled = stack.pool.get()?;
        let conn: &mut habilis_api::db::DbConn = &mut pooled;
        users::table
            .filter(users::email_key.eq(&people.expert))
            .select(users::password_hash)
            .first(conn)?
    };
    let script = lua(
        s,
        "login.lua",
        &format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = '{}'\n",
            json!({ "email": people.expert, "password": PASSWORD })
        ),
    )?;
    let url = format!("{}/api/v1/auth/login", stack.app);
    let argon = || {
        let rps = argon2_per_sec(&hash, s.cores, s.secs);
        Ok(Load {
            requests_per_sec: rps,
            p50_ms: 0.0,
            p99_ms: 0.0,
            requests: 0,
        })
    };
    let (login, raw) = abba(
        || s.load(&url, s.cores * 2).script(&script, &[]).go(),
        argon,
    )?;
    let ratio = login.requests_per_sec / raw.requests_per_sec;
    Ok(Line {
        comparison: format!("login vs raw argon2id verify, {}", stack.backend.name()),
        habilis: format!(
            "{:.0} logins/s, p99 {:.0} ms",
            login.requests_per_sec, login.p99_ms
        ),
        floor: format!("{:.0} verifies/s", raw.requests_per_sec),
        ratio: format!("{ratio:.2} of argon2"),
        goal: "≥ 0.9 of argon2".into(),
        met: ratio >= 0.9,
        detail: json!({ "backend": stack.backend.name(), "login": login, "argon2_verifies_per_sec": raw.requests_per_sec, "ratio": ratio }),
    })
}

/// `POST /auth/refresh`: one connection per wrk thread, each following its
/// own chain of rotated refresh tokens (a token is single-use: reusing one
/// revokes the whole session, SPEC §3.4).
fn refresh(s: &Settings, stack: &Stack, people: &People) -> anyhow::Result<Line> {
    eprintln!("{}: token refresh…", stack.backend.name());
    let chains = 32u32;
    let mut env = Vec::new();
    for i in 1..=chains {
        let pair = login(stack, &people.expert)?;
        let token = pair["refresh_token"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("no refresh token: {pair}"))?;
        env.push((format!("HABILIS_BENCH_REFRESH_{i}"), token.to_owned()));
    }
    let script = lua(
        s,
        "refresh.lua",
        r#"local n = 0
function setup(thread)
  n = n + 1
  thread:set("token", os.getenv("HABILIS_BENCH_REFRESH_" .. n))
end
function request()
  return wrk.format("POST", "/api/v1/auth/refresh",
    { ["Content-Type"] = "application/json" },
    '{"refresh_token":"' .. token .. '"}')
end
function response(status, headers, body)
  local next = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if next then token = next end
end
"#,
    )?;
    let url = format!("{}/api/v1/auth/refresh", stack.app);
    let load = Run::new(&url, chains, chains, s.secs * 2)
        .script(&script, &env)
        .go()?;
    Ok(Line {
        comparison: format!("token refresh, {}", stack.backend.name()),
        habilis: format!(
            "{:.0} refreshes/s, p99 {:.1} ms",
            load.requests_per_sec, load.p99_ms
        ),
        floor: "—".into(),
        ratio: "—".into(),
        goal: "≥ 2,000/s".into(),
        met: load.requests_per_sec >= 2_000.0,
        detail: json!({ "backend": stack.backend.name(), "chains": chains, "refresh": load }),
    })
}

/// `GET /api/v1/users?limit=50` by the admin with 100,000 accounts: the
/// first page vs the 50th (reached by following `next_cursor`).
fn list_at_scale(s: &Settings, stack: &Stack, people: &People) -> anyhow::Result<Line> {
    eprintln!("{}: list, page 1 vs page 50…", stack.backend.name());
    let token = access(stack, &people.admin)?;
    let first = format!("{}/api/v1/users?limit=50", stack.app);
    let mut url = first.clone();
    for _ in 1..50 {
        let page = get_json(&url, &token)?;
        let cursor = page["next_cursor"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("fewer than 50 pages"))?;
        url = format!("{first}&cursor={cursor}");
    }
    let page50 = get_json(&url, &token)?;
    if page50["items"].as_array().map_or(0, Vec::len) != 50 {
        anyhow::bail!("page 50 is not full");
    }
    let auth = [("Authorization", format!("Bearer {token}"))];
    let run = |u: &str| s.load(u, 16).headers(&auth).go();
    let (p1, p50) = abba(|| run(&first), || run(&url))?;
    let ratio = p50.p50_ms / p1.p50_ms;
    Ok(Line {
        comparison: format!(
            "GET /users with {ACCOUNTS} accounts, page 50 vs page 1, {}",
            stack.backend.name()
        ),
        habilis: format!(
            "page 50: {:.0} req/s, p50 {:.2} ms",
            p50.requests_per_sec, p50.p50_ms
        ),
        floor: format!(
            "page 1: {:.0} req/s, p50 {:.2} ms",
            p1.requests_per_sec, p1.p50_ms
        ),
        ratio: format!("{ratio:.2}× the latency of page 1"),
        goal: "≤ 2×".into(),
        met: ratio <= 2.0,
        detail: json!({ "backend": stack.backend.name(), "accounts": ACCOUNTS, "page_1": p1, "page_50": p50, "latency_ratio": ratio }),
    })
}

fn lua(s: &Settings, name: &str, text: &str) -> anyhow::Result<PathBuf> {
    let path = s.scripts.join(name);
    std::fs::write(&path, text)?;
    Ok(path)
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split(':').nth(1)?.trim().to_owned())
}

fn wrk_version() -> Option<String> {
    let out = std::process::Command::new("wrk").arg("-v").output().ok()?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text.lines().next().map(|l| l.trim().to_owned())
}

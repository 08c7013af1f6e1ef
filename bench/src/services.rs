//! The service rows of `make bench` (issue 16):
//!
//! - **launch to running**: the catalog's PostgreSQL offering launched
//!   through the API (`POST /orders/{id}/instances`, then `GET
//!   /instances/{id}` until `running`) against the same cluster made by
//!   hand: `initdb` and `pg_ctl start -w` with the flags the spawner uses,
//!   as the same unprivileged account when the bench runs as root. A B B A,
//!   each side a fresh cluster.
//! - **idle sweep**: 10,000 running instances of a fake spawner that
//!   reports activity for each, swept once by one replica (timed), then the
//!   sweep's job run by three replicas at once on the same database with
//!   every instance idle past the notice: each instance must be noticed
//!   exactly once.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use habilis_api::clock::db_time;
use habilis_api::db::{DbConn, DbPool};
use habilis_api::spawners::fake::FakeSpawner;
use habilis_api::spawners::{LaunchSpec, Spawner, Spawners};
use habilis_shared::policy::Policy;
use serde_json::{json, Value};

use crate::stack::Stack;

/// Instances in the idle sweep.
pub const SWEPT: usize = 10_000;

pub struct Launch {
    /// Seconds from the POST to `running`, each run.
    pub api_secs: Vec<f64>,
    /// Seconds of `initdb` + `pg_ctl start -w`, each run.
    pub hand_secs: Vec<f64>,
}

impl Launch {
    pub fn api(&self) -> f64 {
        mean(&self.api_secs)
    }
    pub fn hand(&self) -> f64 {
        mean(&self.hand_secs)
    }
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

/// The launch comparison, A B B A, on `stack` as `expert` (who manages the
/// bench organisation, so may order and launch in its projects).
pub fn launch(stack: &Stack, expert: &str, token: &str) -> anyhow::Result<Launch> {
    let order = approved_order(stack, expert, "postgresql")?;
    let bindir = pg_bindir()?;
    let account = instance_account()?;
    let mut out = Launch {
        api_secs: Vec::new(),
        hand_secs: Vec::new(),
    };
    let mut n = 0;
    for side in ["api", "hand", "hand", "api"] {
        n += 1;
        if side == "api" {
            out.api_secs.push(launch_through_api(
                stack,
                token,
                &order,
                &format!("bench-{n}"),
            )?);
        } else {
            out.hand_secs.push(by_hand(&bindir, account)?);
        }
    }
    Ok(out)
}

/// An approved order of `offering` in one of the bench projects, placed by
/// `email` (seeded straight into the database: the approvals are not what
/// is measured).
fn approved_order(stack: &Stack, email: &str, offering: &str) -> anyhow::Result<String> {
    use habilis_api::db::schema::{orders, projects, users};
    let mut pooled = stack.pool.get()?;
    let conn: &mut DbConn = &mut pooled;
    let user: String = users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(conn)?;
    let project: String = projects::table
        .filter(projects::domain.eq("bench"))
        .order(projects::name.asc())
        .select(projects::id)
        .first(conn)?;
    let id = uuid::Uuid::now_v7().to_string();
    let now = db_time(Utc::now());
    diesel::insert_into(orders::table)
        .values((
            orders::id.eq(&id),
            orders::project_id.eq(&project),
            orders::offering_id.eq(offering),
            orders::requested_by.eq(&user),
            orders::state.eq("approved"),
            orders::created_at.eq(now),
            orders::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Launches one instance with the defaults and waits until it runs;
/// returns the seconds it took, then deletes it.
fn launch_through_api(stack: &Stack, token: &str, order: &str, name: &str) -> anyhow::Result<f64> {
    let bearer = format!("Bearer {token}");
    let started = Instant::now();
    let mut res = ureq::post(&format!("{}/api/v1/orders/{order}/instances", stack.app))
        .header("authorization", &bearer)
        .send_json(json!({ "name": name }))?;
    let created: Value = res.body_mut().read_json()?;
    let id = created["id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no instance id in {created}"))?
        .to_owned();
    let url = format!("{}/api/v1/instances/{id}", stack.app);
    let secs = loop {
        let mut res = ureq::get(&url).header("authorization", &bearer).call()?;
        let view: Value = res.body_mut().read_json()?;
        match view["state"].as_str() {
            Some("running") => break started.elapsed().as_secs_f64(),
            Some("starting") => {}
            other => anyhow::bail!("instance {name} is {other:?}: {view}"),
        }
        if started.elapsed() > Duration::from_secs(120) {
            anyhow::bail!("instance {name} still starting after 120 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    ureq::delete(&format!("{url}?confirm={name}"))
        .header("authorization", &bearer)
        .call()?;
    Ok(secs)
}

/// Debian's newest PostgreSQL server binaries (what the spawner picks).
fn pg_bindir() -> anyhow::Result<PathBuf> {
    if let Ok(dir) = std::env::var("HABILIS_PG_BINDIR") {
        return Ok(dir.into());
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, b)| b)
        .ok_or_else(|| anyhow::anyhow!("no PostgreSQL server binaries under /usr/lib/postgresql"))
}

/// The account clusters run as: the bench's own, or `nobody` when root
/// (initdb refuses root; the spawner does the same).
fn instance_account() -> anyhow::Result<Option<(u32, u32)>> {
    let id = |flag: &str| -> anyhow::Result<u32> {
        let out = Command::new("id").arg(flag).output()?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().parse()?)
    };
    if id("-u")? != 0 {
        return Ok(None);
    }
    let user = std::env::var("HABILIS_INSTANCE_USER").unwrap_or_else(|_| "nobody".into());
    let of = |flag: &str| -> anyhow::Result<u32> {
        let out = Command::new("id").arg(flag).arg(&user).output()?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().parse()?)
    };
    Ok(Some((of("-u")?, of("-g")?)))
}

fn as_account(cmd: &mut Command, account: Option<(u32, u32)>) -> &mut Command {
    if let Some((uid, gid)) = account {
        cmd.gid(gid).uid(uid);
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::null())
}

/// `initdb` + `pg_ctl start -w` by hand, with the spawner's flags; the
/// seconds both took. The cluster is stopped and removed afterwards.
fn by_hand(bindir: &Path, account: Option<(u32, u32)>) -> anyhow::Result<f64> {
    let dir = std::env::temp_dir().join(format!(
        "habilis-bench-pg-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7()
    ));
    std::fs::create_dir_all(&dir)?;
    let pwfile = dir.join("pw");
    std::fs::write(&pwfile, "bench-password\n")?;
    if let Some((uid, gid)) = account {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid))?;
        std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid))?;
    }
    let data = dir.join("pgdata");
    let port = free_port()?;
    let started = Instant::now();
    let ok = as_account(&mut Command::new(bindir.join("initdb")), account)
        .arg("-D")
        .arg(&data)
        .args(["-U", "habilis_admin", "--auth-host=scram-sha-256"])
        .args([
            "--auth-local=scram-sha-256",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ])
        .arg(format!("--pwfile={}", pwfile.display()))
        .status()?
        .success()
        && as_account(&mut Command::new(bindir.join("pg_ctl")), account)
            .arg("-D")
            .arg(&data)
            .arg("-o")
            .arg(format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={}",
                dir.display()
            ))
            .arg("-l")
            .arg(dir.join("log"))
            .args(["-w", "start"])
            .status()?
            .success();
    let secs = started.elapsed().as_secs_f64();
    let _ = as_account(&mut Command::new(bindir.join("pg_ctl")), account)
        .arg("-D")
        .arg(&data)
        .args(["-m", "immediate", "-w", "stop"])
        .status();
    let _ = std::fs::remove_dir_all(&dir);
    if !ok {
        anyhow::bail!("initdb + pg_ctl start failed by hand");
    }
    Ok(secs)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

pub struct Sweep {
    /// Seconds of one sweep by one replica over [`SWEPT`] instances that
    /// all report new activity.
    pub one_replica_secs: f64,
    /// Notices sent when three replicas run the sweep job at once with
    /// every instance idle: [`SWEPT`] when none acted twice.
    pub notices_three_replicas: i64,
    /// Seconds the three replicas took.
    pub three_replicas_secs: f64,
}

/// The idle-sweep rows on `stack`'s database.
pub fn sweep(stack: &Stack, owner_email: &str) -> anyhow::Result<Sweep> {
    let fake = Arc::new(FakeSpawner::new("fake"));
    let spawners = Spawners::from_parts([fake.clone() as Arc<dyn Spawner>]);
    let ids = seed_instances(stack, owner_email, &fake)?;
    let policy = Policy::default();
    let dir = stack.dir.join("sweep");
    std::fs::create_dir_all(&dir)?;

    // The sweep runs as its job does: claimed with a lease, in the job's
    // transaction. One replica first, every instance reporting activity
    // newer than known.
    let now = Utc::now();
    for id in &ids {
        fake.set_activity(id, Some(now));
    }
    let mut config = habilis_api::config::Config::load_from(|_| None)?;
    config.data_dir = dir.clone();
    let storage = habilis_api::storage::from_config(&config).map_err(|e| anyhow::anyhow!(e))?;
    let env = habilis_api::instances::jobs::InstanceEnv {
        spawners,
        data_dir: dir.clone(),
        public_url: "http://bench".into(),
    };
    let registry = habilis_api::app::job_kinds().with_instances(env);
    make_idle_job_due(&stack.pool, now)?;
    let started = Instant::now();
    let ran = registry
        .run_due(&stack.pool, &policy, &*storage, "replica-0", now, 10)
        .map_err(|e| anyhow::anyhow!(e))?;
    let one_replica_secs = started.elapsed().as_secs_f64();
    if ran == 0 || count_notices(&stack.pool)? != 0 {
        anyhow::bail!("the sweep did not run, or noticed active instances");
    }

    // Three replicas at once, every instance idle past the notice (not
    // the purge): the job is due again, and each must be noticed once.
    let later =
        now + chrono::Duration::hours(i64::from(policy.services.idle_notice_after_hours) + 1);
    let started = Instant::now();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let replicas: Vec<_> = (1..=3)
            .map(|r| {
                let (registry, policy, storage, pool) = (&registry, &policy, &storage, &stack.pool);
                s.spawn(move || {
                    registry.run_due(pool, policy, &**storage, &format!("replica-{r}"), later, 10)
                })
            })
            .collect();
        for r in replicas {
            r.join()
                .map_err(|_| anyhow::anyhow!("a replica panicked"))?
                .map_err(|e| anyhow::anyhow!(e))?;
        }
        Ok(())
    })?;
    let three_replicas_secs = started.elapsed().as_secs_f64();
    Ok(Sweep {
        one_replica_secs,
        notices_three_replicas: count_notices(&stack.pool)?,
        three_replicas_secs,
    })
}

/// [`SWEPT`] running instances of the fake spawner, in one bench project.
fn seed_instances(stack: &Stack, email: &str, fake: &FakeSpawner) -> anyhow::Result<Vec<String>> {
    use habilis_api::db::schema::instances;
    let order = approved_order(stack, email, "jupyterlab")?;
    let mut pooled = stack.pool.get()?;
    let conn: &mut DbConn = &mut pooled;
    let (project, owner): (String, String) = {
        use habilis_api::db::schema::orders;
        orders::table
            .find(&order)
            .select((orders::project_id, orders::requested_by))
            .first(conn)?
    };
    let start = db_time(Utc::now() - chrono::Duration::hours(1));
    let config = json!({});
    let mut ids = Vec::with_capacity(SWEPT);
    for chunk in 0..SWEPT.div_ceil(500) {
        let rows: Vec<_> = (0..500.min(SWEPT - chunk * 500))
            .map(|i| {
                let id = uuid::Uuid::now_v7().to_string();
                fake.start(&LaunchSpec {
                    instance_id: &id,
                    recipe: "jupyterlab",
                    config: &config,
                    workdir: stack.dir.join("none"),
                })
                .map(|l| (id, l.handle, i))
            })
            .collect::<Result<_, _>>()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let values: Vec<_> = rows
            .iter()
            .map(|(id, handle, i)| {
                (
                    instances::id.eq(id.clone()),
                    instances::order_id.eq(&order),
                    instances::project_id.eq(&project),
                    instances::offering_id.eq("jupyterlab"),
                    instances::owner_id.eq(&owner),
                    instances::name.eq(format!("swept-{chunk}-{i}")),
                    instances::config.eq("{}"),
                    instances::state.eq("running"),
                    instances::spawner_kind.eq("fake"),
                    instances::handle.eq(Some(handle.to_string())),
                    instances::created_at.eq(start),
                    instances::started_at.eq(Some(start)),
                )
            })
            .collect();
        match conn {
            DbConn::Pg(c) => diesel::insert_into(instances::table)
                .values(values)
                .execute(c)?,
            DbConn::Sqlite(c) => diesel::insert_into(instances::table)
                .values(values)
                .execute(c)?,
        };
        ids.extend(rows.into_iter().map(|(id, _, _)| id));
    }
    Ok(ids)
}

/// Makes the idle job due (the application registered it at start).
fn make_idle_job_due(pool: &DbPool, now: chrono::DateTime<Utc>) -> anyhow::Result<()> {
    use habilis_api::db::schema::jobs;
    let mut pooled = pool.get()?;
    let conn: &mut DbConn = &mut pooled;
    let n = diesel::update(jobs::table.filter(jobs::kind.eq(habilis_api::instances::jobs::IDLE)))
        .filter(jobs::done_at.is_null())
        .set(jobs::run_at.eq(db_time(now)))
        .execute(conn)?;
    if n == 0 {
        habilis_api::jobs::enqueue(
            conn,
            habilis_api::instances::jobs::IDLE,
            None,
            json!({}),
            now,
            now,
        )?;
    }
    Ok(())
}

fn count_notices(pool: &DbPool) -> anyhow::Result<i64> {
    use habilis_api::db::schema::audit_log;
    let mut pooled = pool.get()?;
    let conn: &mut DbConn = &mut pooled;
    Ok(audit_log::table
        .filter(audit_log::action.eq("instance.idle_notice"))
        .count()
        .get_result(conn)?)
}

//! The measured stack and its floor: the real application
//! (`habilis_api::app::Application`, every middleware, the policy, the
//! audit) served from a thread of this process, and the floor
//! (`habilis-floor`, built beside this binary) in a process of its own with
//! its own pool of the same size over the same database, answering the same
//! JSON. A floor inside the measured process shares its pool, allocator and
//! executor and measures them too (issue 13). Accounts are seeded straight
//! into the database (argon2 once, not 100,000 times).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use chrono::Utc;
use diesel::prelude::*;
use habilis_api::app::Application;
use habilis_api::auth::password;
use habilis_api::clock::db_time;
use habilis_api::config::Config;
use habilis_api::db::schema::users;
use habilis_api::db::{DbConn, DbPool};
use habilis_shared::policy::Policy;

/// The password of every seeded account.
pub const PASSWORD: &str = "bench-correct-horse-battery";

/// The JWT secret of the application (and of the served process of the
/// transfer rows, which signs in on the same database).
pub const JWT_SECRET: &str = "bench-secret-bench-secret-bench-secret!";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

pub struct Stack {
    pub backend: Backend,
    /// `http://127.0.0.1:<port>` of the application.
    pub app: String,
    /// `http://127.0.0.1:<port>` of the floor.
    pub floor: String,
    pub pool: DbPool,
    /// What the application connects to (`sqlite://…` or `postgres://…`).
    pub database_url: String,
    /// The application's data directory (its storage under `objects/`).
    pub dir: PathBuf,
    floor_process: Child,
    pg: Option<(String, String)>,
}

/// Accounts the comparisons use: an expert above a confirmed above a novice
/// (the authenticated read is the expert reading the novice), and the admin
/// who lists everyone.
pub struct People {
    pub admin: String,
    pub expert: String,
    pub novice_id: String,
    pub admin_id: String,
    pub expert_id: String,
    pub confirmed_id: String,
}

/// Projects the expert sees in `GET /api/v1/projects` (issue 13).
pub const PROJECTS: usize = 25;

impl Stack {
    pub fn start(backend: Backend) -> anyhow::Result<Stack> {
        let dir = std::env::temp_dir().join(format!(
            "habilis-bench-{}-{}",
            backend.name(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(create_pg_database()?),
        };
        let mut config = Config::load_from(|_| None)?;
        config.bind = "127.0.0.1:0".into();
        config.data_dir = dir.clone();
        config.database_url = pg.as_ref().map(|(_, url)| url.clone());
        config.dist_dir = dir.join("no-spa");
        // No background work competes with the load.
        config.mail_poll_ms = 0;
        config.jobs_poll_ms = 0;
        // Nor a dispatcher of its own: the dispatch row runs its replicas.
        config.compute_executor = "none".into();
        config.jwt_secret = Some(JWT_SECRET.into());

        let database_url = config.database_url();
        let pool_size = config.db_pool;
        let workers = config.workers.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });

        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                match Application::build(config).await {
                    Ok(app) => {
                        let _ = tx.send(Ok((app.port(), app.state.pool.clone())));
                        let _ = app.run_until_stopped().await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        });
        // The application has migrated the database: the floor can open it.
        let (app_port, pool) = rx.recv()??;
        let (floor_process, floor_port) = start_floor(&database_url, pool_size, workers)?;
        Ok(Stack {
            backend,
            app: format!("http://127.0.0.1:{app_port}"),
            floor: format!("http://127.0.0.1:{floor_port}"),
            pool,
            database_url,
            dir,
            floor_process,
            pg,
        })
    }

    /// Seeds the three-level hierarchy and `extra` more novices (under the
    /// confirmed), in batches, all active with the charter accepted.
    pub fn seed(&self, extra: usize) -> anyhow::Result<People> {
        let hash = password::hash(PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
        let charter = Policy::default().charter_version;
        let now = db_time(Utc::now());
        let mut conn = self.pool.get()?;
        let id = || uuid::Uuid::now_v7().to_string();
        let (admin, expert, confirmed, novice) = (id(), id(), id(), id());
        let mut people: Vec<(String, String, &str, Option<String>)> = vec![
            (admin.clone(), "admin@inserm.fr".into(), "admin", None),
            (expert.clone(), "expert@inserm.fr".into(), "expert", None),
            (
                confirmed.clone(),
                "confirmed@inserm.fr".into(),
                "confirmed",
                Some(expert.clone()),
            ),
            (
                novice.clone(),
                "novice@inserm.fr".into(),
                "novice",
                Some(confirmed.clone()),
            ),
        ];
        for i in 0..extra {
            people.push((
                id(),
                format!("novice{i:06}@inserm.fr"),
                "novice",
                Some(confirmed.clone()),
            ));
        }
        for chunk in people.chunks(1_000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(id, email, profile, supervisor)| {
                    (
                        users::id.eq(id),
                        users::email.eq(email),
                        users::email_key.eq(email),
                        users::first_name.eq("Bench"),
                        users::last_name.eq(email),
                        users::profile.eq(*profile),
                        users::state.eq("active"),
                        users::supervisor_id.eq(supervisor),
                        users::password_hash.eq(&hash),
                        users::must_change_password.eq(false),
                        users::charter_version.eq(&charter),
                        users::charter_accepted_at.eq(now),
                        users::activated_at.eq(now),
                        users::created_at.eq(now),
                        users::updated_at.eq(now),
                    )
                })
                .collect();
            // One statement per 1,000 accounts (15 s → 2 s for 100,000 on
            // PostgreSQL); the same batch insert on either connection.
            match &mut **conn {
                DbConn::Pg(pg) => diesel::insert_into(users::table).values(rows).execute(pg)?,
                DbConn::Sqlite(lite) => diesel::insert_into(users::table)
                    .values(rows)
                    .execute(lite)?,
            };
        }
        Ok(People {
            admin: "admin@inserm.fr".into(),
            expert: "expert@inserm.fr".into(),
            novice_id: novice,
            admin_id: admin,
            expert_id: expert,
            confirmed_id: confirmed,
        })
    }

    /// An organisation the expert manages, with [`PROJECTS`] active
    /// projects owned by the confirmed, sponsored and stewarded by the
    /// admin: the expert sees all of them through their role alone.
    pub fn seed_projects(&self, people: &People) -> anyhow::Result<()> {
        use habilis_api::db::schema::{memberships, organizations, projects};
        let now = db_time(Utc::now());
        let mut conn = self.pool.get()?;
        let org = uuid::Uuid::now_v7().to_string();
        let org_row = (
            organizations::id.eq(&org),
            organizations::name.eq("Bench lab"),
            organizations::name_key.eq("bench lab"),
            organizations::description.eq("make bench"),
            organizations::created_by.eq(&people.admin_id),
            organizations::created_at.eq(now),
            organizations::updated_at.eq(now),
        );
        let membership = (
            memberships::organization_id.eq(&org),
            memberships::user_id.eq(&people.expert_id),
            memberships::role.eq("manager"),
            memberships::state.eq("active"),
            memberships::added_by.eq(Some(&people.admin_id)),
            memberships::created_at.eq(now),
            memberships::updated_at.eq(now),
        );
        let rows: Vec<_> = (0..PROJECTS)
            .map(|i| {
                (
                    projects::id.eq(uuid::Uuid::now_v7().to_string()),
                    projects::organization_id.eq(&org),
                    projects::name.eq(format!("Bench project {i:02}")),
                    projects::data_class.eq("standard"),
                    projects::domain.eq("bench"),
                    projects::description.eq("make bench"),
                    projects::owner_id.eq(&people.confirmed_id),
                    projects::sponsor_id.eq(&people.admin_id),
                    projects::data_steward_id.eq(&people.admin_id),
                    projects::state.eq("active"),
                    projects::created_at.eq(now),
                    projects::updated_at.eq(now),
                )
            })
            .collect();
        match &mut **conn {
            DbConn::Pg(pg) => {
                diesel::insert_into(organizations::table)
                    .values(org_row)
                    .execute(pg)?;
                diesel::insert_into(memberships::table)
                    .values(membership)
                    .execute(pg)?;
                diesel::insert_into(projects::table)
                    .values(rows)
                    .execute(pg)?;
            }
            DbConn::Sqlite(lite) => {
                diesel::insert_into(organizations::table)
                    .values(org_row)
                    .execute(lite)?;
                diesel::insert_into(memberships::table)
                    .values(membership)
                    .execute(lite)?;
                diesel::insert_into(projects::table)
                    .values(rows)
                    .execute(lite)?;
            }
        }
        // Its local desk, as creating it through the API would (the
        // ticket row files the expert's tickets there).
        habilis_api::support::queries::insert_local_desk(&mut conn, &org, "Bench lab", now)?;
        Ok(())
    }
}

impl Stack {
    /// The storage key of the file `id` (its object under `objects/`).
    pub fn object_key(&self, id: &str) -> anyhow::Result<String> {
        use habilis_api::db::schema::files;
        let mut pooled = self.pool.get()?;
        let conn: &mut DbConn = &mut pooled;
        Ok(files::table
            .find(id)
            .select(files::object_key)
            .first(conn)?)
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = self.floor_process.kill();
        let _ = self.floor_process.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin_url, url)) = &self.pg {
            if let Some(name) = url.rsplit('/').next() {
                // The idle servers still hold connections: force them out.
                if let Ok(mut c) = PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut c);
                }
            }
        }
    }
}

/// A throwaway database on the server `HABILIS_TEST_PG_URL` names (what
/// `scripts/with-postgres.sh` sets, starting a server when none answers).
fn create_pg_database() -> anyhow::Result<(String, String)> {
    let base = std::env::var("HABILIS_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let base = base.trim_end_matches('/').to_owned();
    let admin_url = format!("{base}/postgres");
    let name = format!("habilis_bench_{}", std::process::id());
    let mut c = PgConnection::establish(&admin_url)
        .map_err(|e| anyhow::anyhow!("PostgreSQL at {base}: {e}"))?;
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c)?;
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut c)?;
    Ok((admin_url, format!("{base}/{name}")))
}

/// Starts `habilis-floor` (built beside this binary by the same `cargo
/// build`) on `database_url` with a pool of `pool_size` and `workers`
/// workers, as the application has; returns it and the port it listens on.
fn start_floor(database_url: &str, pool_size: u32, workers: usize) -> anyhow::Result<(Child, u16)> {
    spawn_floor(
        "habilis-floor",
        &[
            database_url.to_owned(),
            pool_size.to_string(),
            workers.to_string(),
        ],
    )
}

/// Starts the floor binary `name` (built beside this one by the same
/// `cargo build`) with `args`; it prints the port it listens on as its
/// first line. Returns the process and that port (a floor that prints no
/// port is stopped, and its exit status reported).
pub fn spawn_floor<S: AsRef<std::ffi::OsStr>>(
    name: &str,
    args: &[S],
) -> anyhow::Result<(Child, u16)> {
    let exe = std::env::current_exe()?.with_file_name(name);
    let mut child = Command::new(&exe)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", exe.display()))?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        BufReader::new(out).read_line(&mut line)?;
    }
    match line.trim().parse() {
        Ok(port) => Ok((child, port)),
        Err(_) => {
            let _ = child.kill();
            let status = child.wait()?;
            anyhow::bail!("{name} did not start ({status})")
        }
    }
}

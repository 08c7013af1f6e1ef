//! The measured stack and its floor, in this one process: the real
//! application (`habilis_api::app::Application`, every middleware, the
//! policy, the audit) on one port, and on another a bare actix-web handler
//! that runs the same diesel query on the same pool and answers the same
//! JSON. Accounts are seeded straight into the database (argon2 once, not
//! 100,000 times).

use std::path::PathBuf;
use std::sync::mpsc;

use actix_web::{web, App, HttpResponse, HttpServer};
use chrono::Utc;
use diesel::prelude::*;
use habilis_api::accounts::queries;
use habilis_api::app::Application;
use habilis_api::auth::password;
use habilis_api::clock::db_time;
use habilis_api::config::Config;
use habilis_api::db::schema::users;
use habilis_api::db::{DbConn, DbPool};
use habilis_shared::policy::Policy;

/// The password of every seeded account.
pub const PASSWORD: &str = "bench-correct-horse-battery";

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
    dir: PathBuf,
    pg: Option<(String, String)>,
}

/// Accounts the comparisons use: an expert above a confirmed above a novice
/// (the authenticated read is the expert reading the novice), and the admin
/// who lists everyone.
pub struct People {
    pub admin: String,
    pub expert: String,
    pub novice_id: String,
}

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
        config.jwt_secret = Some("bench-secret-bench-secret-bench-secret!".into());

        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let started = async {
                    let app = Application::build(config).await?;
                    let floor = floor_server(app.state.pool.clone())?;
                    anyhow::Ok((app, floor))
                };
                match started.await {
                    Ok((app, (floor, floor_port))) => {
                        let _ = tx.send(Ok((app.port(), floor_port, app.state.pool.clone())));
                        actix_web::rt::spawn(floor);
                        let _ = app.run_until_stopped().await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        });
        let (app_port, floor_port, pool) = rx.recv()??;
        Ok(Stack {
            backend,
            app: format!("http://127.0.0.1:{app_port}"),
            floor: format!("http://127.0.0.1:{floor_port}"),
            pool,
            dir,
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
            match &mut *conn {
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
        })
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
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

/// The floor: actix-web, one route, no middleware, the same query
/// (`accounts::queries::find`) off the executor and the same JSON view.
fn floor_server(pool: DbPool) -> anyhow::Result<(actix_web::dev::Server, u16)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(pool.clone()))
            .route("/floor/users/{id}", web::get().to(floor_user))
    })
    .listen(listener)?
    .run();
    Ok((server, port))
}

async fn floor_user(pool: web::Data<DbPool>, id: web::Path<String>) -> HttpResponse {
    let id = id.into_inner();
    let found = web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        queries::find(&mut conn, &id).map_err(|e| e.to_string())
    })
    .await;
    match found {
        // What the expert sees of that novice (no personal section): the
        // bench checks both answers are equal before timing.
        Ok(Ok(Some(row))) => HttpResponse::Ok().json(row.view(false)),
        Ok(Ok(None)) => HttpResponse::NotFound().finish(),
        _ => HttpResponse::InternalServerError().finish(),
    }
}

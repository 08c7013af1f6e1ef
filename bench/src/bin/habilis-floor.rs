//! The read floor, in its own process: actix-web, one route, no middleware,
//! r2d2 over a plain diesel connection (no `MultiConnection`), one pool
//! checkout and one `web::block` per request, the statically typed query
//! `SELECT <the account's columns> FROM users WHERE id = ? LIMIT 1` that
//! diesel prepares once per connection, and the same JSON view Habilis
//! answers. Nothing of the measured process is shared: a floor inside it
//! (its allocator, its executor, its pool) is not a floor (issue 13).
//!
//! `habilis-floor DATABASE_URL POOL_SIZE WORKERS` prints the port it listens
//! on, one line on stdout, then serves `GET /users/{id}` until killed.

use std::io::Write;
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use habilis_api::accounts::queries::UserRow;
use habilis_api::db::schema::users;

/// The SQLite settings Habilis gives every connection (`db::Manager`).
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 15000; \
             PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

enum Floor {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Pg(Pool<ConnectionManager<PgConnection>>),
}

fn find_sqlite(conn: &mut SqliteConnection, id: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

fn find_pg(conn: &mut PgConnection, id: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

async fn get_user(floor: web::Data<Floor>, id: web::Path<String>) -> HttpResponse {
    let id = id.into_inner();
    let found = web::block(move || match &**floor {
        Floor::Sqlite(pool) => {
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            find_sqlite(&mut conn, &id).map_err(|e| e.to_string())
        }
        Floor::Pg(pool) => {
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            find_pg(&mut conn, &id).map_err(|e| e.to_string())
        }
    })
    .await;
    match found {
        // What an expert sees of a novice below (no personal section): the
        // bench checks both answers are equal before timing.
        Ok(Ok(Some(row))) => HttpResponse::Ok().json(row.view(false)),
        Ok(Ok(None)) => HttpResponse::NotFound().finish(),
        _ => HttpResponse::InternalServerError().finish(),
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: habilis-floor DATABASE_URL POOL_SIZE WORKERS";
    let url = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let pool_size: u32 = args.next().ok_or_else(|| anyhow::anyhow!(usage))?.parse()?;
    let workers: usize = args.next().ok_or_else(|| anyhow::anyhow!(usage))?.parse()?;
    let timeout = Duration::from_secs(10);
    // r2d2's default test on checkout: nothing for SQLite (a file does not
    // go away), the default ping for PostgreSQL, as a plain server has.
    let floor = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Floor::Pg(
            Pool::builder()
                .max_size(pool_size)
                .connection_timeout(timeout)
                .build(ConnectionManager::new(url))?,
        )
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(&url).to_owned();
        Floor::Sqlite(
            Pool::builder()
                .max_size(pool_size)
                .connection_timeout(timeout)
                .test_on_check_out(false)
                .connection_customizer(Box::new(SqlitePragmas))
                .build(ConnectionManager::new(path))?,
        )
    };
    let floor = web::Data::new(floor);
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new()
                .app_data(floor.clone())
                .route("/users/{id}", web::get().to(get_user))
        })
        .workers(workers)
        .bind("127.0.0.1:0")?;
        let port = server
            .addrs()
            .first()
            .map(|a| a.port())
            .ok_or_else(|| anyhow::anyhow!("no listening address"))?;
        println!("{port}");
        std::io::stdout().flush()?;
        server.run().await?;
        anyhow::Ok(())
    })
}

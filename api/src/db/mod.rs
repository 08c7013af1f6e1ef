//! Storage: one code path over SQLite (embedded default) and PostgreSQL
//! (production), chosen at run time by `DATABASE_URL`.
//!
//! diesel's derived `MultiConnection::establish` can fall through from a
//! failed PostgreSQL connection to SQLite, so the pool uses its own
//! [`Manager`] that picks the backend from the URL scheme and reports the real
//! error (TOOLCHAIN.md).

pub mod schema;

use std::cell::Cell;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = r2d2::Pool<Manager>;

/// Runs `$body` with `$c` bound to the backend's own connection
/// (`&mut PgConnection` or `&mut SqliteConnection`), for the statements
/// every request runs. Through [`DbConn`], diesel's `MultiConnection`
/// writes a query's SQL out again on each execution (to collect its binds),
/// even when the prepared statement is cached; on the backend's connection
/// a statically typed query is found in the statement cache by its type
/// alone. `$body` is compiled once per backend.
macro_rules! native {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}
pub(crate) use native;

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Which backend a `DATABASE_URL` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbUrl {
    Postgres(String),
    Sqlite(String),
}

impl DbUrl {
    /// `postgres://` / `postgresql://` → PostgreSQL; `sqlite://PATH`,
    /// `sqlite:PATH` or a bare path → SQLite. Anything else with a scheme is
    /// refused rather than guessed.
    pub fn parse(url: &str) -> Result<DbUrl, DbError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres(url.to_owned()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            return Ok(DbUrl::Sqlite(path.to_owned()));
        }
        if url.is_empty() || url.contains("://") {
            return Err(DbError::Url(format!(
                "unsupported DATABASE_URL {url:?}: use postgres://… or sqlite://PATH"
            )));
        }
        Ok(DbUrl::Sqlite(url.to_owned()))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            DbUrl::Postgres(_) => "postgresql",
            DbUrl::Sqlite(_) => "sqlite",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Url(String),
    #[error("cannot connect to {backend} database: {source}")]
    Connect {
        backend: &'static str,
        source: diesel::ConnectionError,
    },
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot create the SQLite directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
}

/// r2d2 connection manager choosing the backend by URL.
#[derive(Clone, Debug)]
pub struct Manager {
    url: DbUrl,
}

impl Manager {
    pub fn new(url: DbUrl) -> Self {
        Manager { url }
    }
}

/// A PostgreSQL connection back in the pool for less than this is handed
/// out again without a validity ping: it answered a moment ago, and the
/// round trip (`SELECT 1`) would cost a busy server one more exchange per
/// request. A connection idle for longer is pinged on checkout.
pub const PING_AFTER_IDLE: Duration = Duration::from_millis(500);

/// A pooled connection and when it last went back to the pool. Derefs to
/// [`DbConn`], so `&mut conn` of a checkout is a `&mut DbConn`.
pub struct PoolConn {
    conn: DbConn,
    returned: Instant,
}

impl std::ops::Deref for PoolConn {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.conn
    }
}

impl std::ops::DerefMut for PoolConn {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.conn
    }
}

impl Manager {
    fn open(&self) -> Result<DbConn, DbError> {
        match &self.url {
            DbUrl::Postgres(url) => {
                PgConnection::establish(url)
                    .map(DbConn::Pg)
                    .map_err(|source| DbError::Connect {
                        backend: "postgresql",
                        source,
                    })
            }
            DbUrl::Sqlite(path) => {
                if let Some(dir) = Path::new(path).parent() {
                    if !dir.as_os_str().is_empty() && path != ":memory:" {
                        std::fs::create_dir_all(dir).map_err(|source| DbError::Dir {
                            path: dir.display().to_string(),
                            source,
                        })?;
                    }
                }
                let mut conn =
                    SqliteConnection::establish(path).map_err(|source| DbError::Connect {
                        backend: "sqlite",
                        source,
                    })?;
                // WAL lets readers run beside the writer; the busy timeout makes
                // writers queue instead of failing; foreign keys are off by default.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 15000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )?;
                lower_utils::register_impl(&mut conn, |s: String| s.to_lowercase())?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = PoolConn;
    type Error = DbError;

    fn connect(&self) -> Result<PoolConn, DbError> {
        Ok(PoolConn {
            conn: self.open()?,
            returned: Instant::now(),
        })
    }

    /// Run on every checkout. A PostgreSQL connection can die under the
    /// pool (server restart, network cut): one round trip finds it before
    /// a request does — once it has been idle [`PING_AFTER_IDLE`] or more;
    /// one back from a request a moment ago is handed out as it is. A
    /// SQLite connection is a file opened in this process and cannot go
    /// away, so it is not pinged.
    fn is_valid(&self, conn: &mut PoolConn) -> Result<(), DbError> {
        match &mut conn.conn {
            DbConn::Pg(c) if conn.returned.elapsed() >= PING_AFTER_IDLE => {
                c.batch_execute("SELECT 1").map_err(DbError::from)
            }
            _ => Ok(()),
        }
    }

    /// Run as a connection goes back to the pool: notes when, for
    /// [`Manager::is_valid`].
    fn has_broken(&self, conn: &mut PoolConn) -> bool {
        conn.returned = Instant::now();
        false
    }
}

diesel::define_sql_function! {
    /// SQL `lower()`, the same on both backends: PostgreSQL's folds every
    /// letter (with a UTF-8 locale); SQLite's built-in folds ASCII only, so
    /// [`Manager`] replaces it on every SQLite connection with Rust's
    /// `to_lowercase` (searches by name then agree: "Élodie" finds "élodie").
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// The queue of this process's SQLite writers (see [`DbConn::write_tx`]).
/// One per process, not per database file: a process serves one database
/// (tests running many at once only queue a little longer).
static SQLITE_WRITER: Mutex<()> = Mutex::new(());

thread_local! {
    /// Whether this thread holds [`SQLITE_WRITER`]: a `write_tx` nested in
    /// another (a savepoint) must not wait for itself.
    static HOLDS_WRITER: Cell<bool> = const { Cell::new(false) };
}

/// This thread's turn to write, until dropped (or nothing, when nested).
struct WriterTurn(Option<MutexGuard<'static, ()>>);

impl WriterTurn {
    fn take() -> WriterTurn {
        if HOLDS_WRITER.get() {
            return WriterTurn(None);
        }
        // A panic while writing poisons nothing we rely on: the guard only
        // orders writers.
        let guard = SQLITE_WRITER.lock().unwrap_or_else(PoisonError::into_inner);
        HOLDS_WRITER.set(true);
        WriterTurn(Some(guard))
    }
}

impl Drop for WriterTurn {
    fn drop(&mut self) {
        if self.0.is_some() {
            HOLDS_WRITER.set(false);
        }
    }
}

#[derive(Debug)]
struct NoCustomizer;
impl CustomizeConnection<PoolConn, DbError> for NoCustomizer {}

/// Builds the server's pool, first connecting once by hand so an
/// unreachable database is reported with its real cause instead of an r2d2
/// timeout. One idle connection is kept ready.
pub fn connect_pool(url: &str, max_size: u32) -> Result<DbPool, DbError> {
    build_pool(url, max_size, 1)
}

/// The pool of a short command (`habilis migrate`, `jobs run-due`, …): no
/// idle connection is kept, so r2d2 never opens one in the background. A
/// connection still being opened by r2d2's thread when the command returns
/// races the process's exit: libpq's TLS setup then runs inside OpenSSL
/// while `OPENSSL_cleanup` (an exit handler) frees it, and the process dies
/// with SIGSEGV after doing its work (seen in about one run of six of
/// `jobs run-due` on PostgreSQL).
pub fn connect_command_pool(url: &str, max_size: u32) -> Result<DbPool, DbError> {
    build_pool(url, max_size, 0)
}

fn build_pool(url: &str, max_size: u32, min_idle: u32) -> Result<DbPool, DbError> {
    let url = DbUrl::parse(url)?;
    let manager = Manager::new(url);
    drop(manager.open()?);
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(min_idle))
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(NoCustomizer))
        .build(manager)?;
    Ok(pool)
}

impl DbConn {
    pub fn backend(&self) -> &'static str {
        match self {
            DbConn::Pg(_) => "postgresql",
            DbConn::Sqlite(_) => "sqlite",
        }
    }

    /// Applies pending migrations; returns the versions applied.
    pub fn migrate(&mut self) -> Result<Vec<String>, DbError> {
        let applied = match self {
            DbConn::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS),
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        }
        .map_err(|e| DbError::Migration(e.to_string()))?;
        Ok(applied.into_iter().map(|v| v.to_string()).collect())
    }

    /// Reverts every applied migration (used by the up/down/up test).
    pub fn revert_all(&mut self) -> Result<Vec<String>, DbError> {
        let reverted = match self {
            DbConn::Pg(c) => c.revert_all_migrations(PG_MIGRATIONS),
            DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS),
        }
        .map_err(|e| DbError::Migration(e.to_string()))?;
        Ok(reverted.into_iter().map(|v| v.to_string()).collect())
    }

    /// Reverts the applied migrations, newest first, down to and including
    /// the one whose name starts with `version` (tests of a migration's
    /// data step); returns the versions reverted.
    pub fn revert_through(&mut self, version: &str) -> Result<Vec<String>, DbError> {
        let digits: String = version.chars().filter(char::is_ascii_digit).collect();
        let mut reverted = Vec::new();
        loop {
            let last = match self {
                DbConn::Pg(c) => c.revert_last_migration(PG_MIGRATIONS),
                DbConn::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS),
            }
            .map_err(|e| DbError::Migration(e.to_string()))?
            .to_string();
            let done = last.starts_with(&digits);
            reverted.push(last);
            if done {
                return Ok(reverted);
            }
        }
    }

    pub fn has_pending_migrations(&mut self) -> Result<bool, DbError> {
        match self {
            DbConn::Pg(c) => c.has_pending_migration(PG_MIGRATIONS),
            DbConn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
        }
        .map_err(|e| DbError::Migration(e.to_string()))
    }

    /// A read-write transaction.
    ///
    /// On SQLite the first statement takes the write lock: a deferred
    /// transaction that reads and then writes fails with `SQLITE_BUSY` when
    /// another writer committed in between, whereas a lock taken up front
    /// simply waits for `busy_timeout`. PostgreSQL needs nothing special.
    ///
    /// SQLite has one writer at a time, and a writer that finds the lock
    /// taken polls it with sleeps (`busy_timeout`): under load most of the
    /// time goes to sleeping. The writers of this process therefore queue
    /// on [`SQLITE_WRITER`] first and are woken as soon as the previous one
    /// commits; another process (the CLI) still meets the busy timeout.
    pub fn write_tx<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        let _turn = matches!(self, DbConn::Sqlite(_)).then(WriterTurn::take);
        self.transaction(|conn| {
            if matches!(conn, DbConn::Sqlite(_)) {
                conn.batch_execute(
                    "UPDATE app_locks SET name = name WHERE name = 'profile_limits'",
                )?;
            }
            f(conn)
        })
    }

    /// Serialises a check-then-insert rule across replicas: holds the named
    /// row lock until the surrounding transaction ends.
    pub fn lock_named(&mut self, name: &str) -> QueryResult<()> {
        use schema::app_locks::dsl as l;
        diesel::update(l::app_locks.filter(l::name.eq(name)))
            .set(l::name.eq(name))
            .execute(self)
            .map(drop)
    }
}

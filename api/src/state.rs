//! What every handler can reach: the pool, the policy, the signing keys,
//! the clock and the settings. Nothing here is per-replica truth: counters
//! that must be shared (lockout, revocation, leases) live in the database.

use std::sync::Arc;

use actix_web::web;
use chrono::{DateTime, Utc};
use habilis_shared::policy::Policy;

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::{DbConn, DbPool};
use crate::error::ApiResult;
use crate::metrics::Metrics;
use crate::spawners::Spawners;
use crate::storage::Storage;

pub struct AppState {
    pub pool: DbPool,
    pub policy: Arc<Policy>,
    pub jwt: JwtKeys,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    /// Where files' bytes live (`HABILIS_STORAGE_URL`), opened once.
    pub storage: Arc<dyn Storage>,
    /// What runs instances, by kind (`HABILIS_SPAWNERS`), opened once.
    pub spawners: Spawners,
    /// This replica's compute dispatcher: its wake-up, its executor.
    pub compute: Arc<crate::compute::wake::Compute>,
}

impl AppState {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs diesel work on the blocking pool, never on the async executor.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Access-token lifetime from the policy (≤ 15 min).
    pub fn access_ttl_secs(&self) -> i64 {
        i64::from(self.policy.auth.access_token_minutes) * 60
    }
}

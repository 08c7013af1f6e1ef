//! Spawners: what runs an instance of an offering (issue 16 §4).
//!
//! One blocking trait, [`Spawner`], called from `web::block` or a job body:
//! start (returns at once), health (running only once the service answers),
//! last activity (for the idle purge), stop (graceful, then forced), logs,
//! and `alive` (reconcile after `habilis serve` restarts). Everything a
//! spawner needs to find its instance again is the opaque JSON *handle* it
//! returned from [`Spawner::start`], kept in `instances.handle`: a spawner
//! holds no per-instance memory, so a restarted server, or another replica
//! on the same host, can carry on from the handle alone.
//!
//! Spawners are chosen by the offering's `spawner_kind`. This version has
//! one: [`local::LocalSpawner`] (`local`), real processes on this host
//! bound to 127.0.0.1, with two recipes, `postgresql` and `jupyterlab`.
//! A Kubernetes spawner would map `start` to a Pod (+ Service) created from
//! the recipe, the handle to `{namespace, pod, uid}`, `health` to the Pod's
//! readiness, `stop` to a delete with `gracePeriodSeconds`, `alive` to "the
//! Pod with that uid exists". A Slurm spawner would map `start` to
//! `sbatch`, the handle to `{job_id, node, port}`, `health`/`alive` to
//! `squeue`/`scontrol show job`, `stop` to `scancel` (SIGTERM, then KILL
//! after `KillWait`). See docs/services-spawners.md.

pub mod local;

#[cfg(any(test, feature = "bench"))]
pub mod fake;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::config::Config;

/// What to start: one instance of one recipe.
pub struct LaunchSpec<'a> {
    /// The instance's id (uuid v7 text), for names and logs.
    pub instance_id: &'a str,
    /// `"postgresql"` | `"jupyterlab"` (the offering's `spawner_recipe`).
    pub recipe: &'a str,
    /// The merged effective config (validated against the offering's schema).
    pub config: &'a Value,
    /// `<data_dir>/instances/<instance_id>`: the instance's own directory.
    pub workdir: PathBuf,
}

/// What a started instance is, as far as the rest of the server knows.
#[derive(Clone, Debug)]
pub struct Launched {
    /// Opaque, stored in `instances.handle`; given back to every call.
    pub handle: Value,
    /// Where the owner opens it (a link, or a `postgres://` URL).
    pub open_url: String,
    /// Generated credentials (`password`, `token` …), owner only.
    pub secrets: Value,
    /// For the README template: recipe-specific (host, port, user,
    /// database, url, psql …).
    pub connection: Value,
}

/// What a spawner sees of an instance now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Health {
    /// Started, not answering yet.
    Starting,
    /// The service answers (a real protocol exchange, not just a pid).
    Running,
    /// Stopped on request ([`Spawner::stop`]).
    Stopped,
    /// Gone without being asked, or refused to start; the reason is for
    /// the owner (e.g. the last line of the log).
    Failed(String),
}

#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    /// This spawner cannot run the recipe here (tools missing, unknown recipe).
    #[error("cannot run {0} here: {1}")]
    Unavailable(String, String),
    /// The effective config has a value this recipe refuses.
    #[error("invalid config: {0}")]
    BadConfig(String),
    /// The handle is not one this spawner wrote.
    #[error("invalid handle: {0}")]
    BadHandle(String),
    /// The instance does not answer as it should.
    #[error("{0}")]
    Service(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl SpawnError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> SpawnError {
        let context = context.into();
        move |source| SpawnError::Io { context, source }
    }
}

/// One way of running instances (by `spawner_kind`). Blocking: call it
/// from `web::block` or a job, never on the async executor.
pub trait Spawner: Send + Sync {
    /// `"local"`, `"kubernetes"`, `"slurm"`: the offerings' `spawner_kind`.
    fn kind(&self) -> &'static str;
    /// Whether this recipe can run here now (its tools are installed).
    fn runs(&self, recipe: &str) -> bool;
    /// Starts the instance and returns at once (health says when it answers).
    fn start(&self, spec: &LaunchSpec) -> Result<Launched, SpawnError>;
    /// `Running` only once the service answers.
    fn health(&self, handle: &Value) -> Health;
    /// When the instance was last used (its own account of it); `None`
    /// when it cannot tell yet.
    fn last_activity(&self, handle: &Value) -> Result<Option<DateTime<Utc>>, SpawnError>;
    /// Asks the instance to stop, forces it after the grace period; returns
    /// once nothing of it runs. Stopping a stopped instance is not an error.
    fn stop(&self, handle: &Value) -> Result<(), SpawnError>;
    /// The end of the instance's output, at most `max_bytes`.
    fn logs(&self, handle: &Value, max_bytes: usize) -> Result<String, SpawnError>;
    /// Whether the instance's process (job, pod …) still exists: after a
    /// restart, alive ones stay running and the others are lost.
    fn alive(&self, handle: &Value) -> bool;
    /// Deletes what the instance kept (its data, logs, credentials) once
    /// it is deleted for good (stopping it first if it still runs). The
    /// default keeps nothing to delete.
    fn remove(&self, handle: &Value) -> Result<(), SpawnError> {
        let _ = handle;
        Ok(())
    }
}

/// An instance's own directory, `<data_dir>/instances/<id>` (the
/// [`LaunchSpec::workdir`]); `None` for an id that is not one plain path
/// component (ids are uuid text).
pub fn instance_workdir(config: &Config, instance_id: &str) -> Option<PathBuf> {
    let plain = !instance_id.is_empty()
        && instance_id.len() <= 64
        && instance_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plain.then(|| config.data_path("instances").join(instance_id))
}

/// The spawners this server has, by kind; opened once into `AppState`.
#[derive(Clone, Default)]
pub struct Spawners {
    by_kind: BTreeMap<&'static str, Arc<dyn Spawner>>,
}

impl Spawners {
    /// The kinds `HABILIS_SPAWNERS` names (default `local`), set up from
    /// the settings. An unknown or not-yet-implemented kind is an error, so
    /// a server never starts believing it can run what it cannot.
    pub fn from_config(config: &Config) -> Result<Spawners, String> {
        let mut out = Spawners::default();
        for kind in &config.spawners {
            match kind.as_str() {
                "local" => out.insert(Arc::new(local::LocalSpawner::from_config(config)?)),
                "kubernetes" | "slurm" => {
                    return Err(format!(
                        "HABILIS_SPAWNERS: the {kind} spawner is not implemented in this version \
                         (offerings of that kind are listed but not launchable)"
                    ));
                }
                other => {
                    return Err(format!(
                        "HABILIS_SPAWNERS: unknown spawner kind {other:?} (known: local)"
                    ));
                }
            }
        }
        Ok(out)
    }

    /// A registry of the given spawners (tests and the bench inject fakes
    /// this way; the product only builds it from the configuration).
    pub fn from_parts(spawners: impl IntoIterator<Item = Arc<dyn Spawner>>) -> Spawners {
        let mut out = Spawners::default();
        for s in spawners {
            out.insert(s);
        }
        out
    }

    fn insert(&mut self, spawner: Arc<dyn Spawner>) {
        self.by_kind.insert(spawner.kind(), spawner);
    }

    /// The spawner of this kind, if this server has one.
    pub fn get(&self, kind: &str) -> Option<Arc<dyn Spawner>> {
        self.by_kind.get(kind).cloned()
    }

    /// Whether an offering of `kind`/`recipe` can be launched here (the
    /// catalog's `available`).
    pub fn runs(&self, kind: &str, recipe: Option<&str>) -> bool {
        match (self.by_kind.get(kind), recipe) {
            (Some(s), Some(r)) => s.runs(r),
            _ => false,
        }
    }

    /// The kinds this server has.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.by_kind.keys().copied()
    }
}

impl std::fmt::Debug for Spawners {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.by_kind.keys()).finish()
    }
}

/// What background work on instances needs beyond the policy: the
/// spawners, where working directories live, and the public address for
/// e-mailed links. The job queue carries it to the instance jobs.
#[derive(Clone)]
pub struct InstanceEnv {
    pub spawners: Spawners,
    pub data_dir: PathBuf,
    pub public_url: String,
}

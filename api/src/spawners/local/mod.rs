//! The local process spawner (`local`): each instance is a real process
//! group on this host, bound to 127.0.0.1 on a free port, in its own
//! working directory `<data_dir>/instances/<id>`:
//!
//! ```text
//! <workdir>/            the server's (0711 as root, else 0700)
//!   .habilis/           the server's only (0700): the service's secret
//!                       (PostgreSQL admin password, JupyterLab token),
//!                       the activity state, the `stopped` mark
//!   logs/instance.log   stdout + stderr of the whole group
//!   home/               the instance's (HOME; JupyterLab's root_dir)
//!   pgdata/ run/        PostgreSQL's cluster and unix socket
//! ```
//!
//! When the server runs as root, instance processes run as
//! `HABILIS_INSTANCE_USER` (default `nobody`): PostgreSQL refuses root, and a notebook must never be a root
//! shell. All instances of this spawner share that one account, so they
//! are not isolated from each other: the local spawner is for one trusted
//! host (a team server, a demo, the tests); the Kubernetes and Slurm
//! spawners are the production path (docs/services-spawners.md).

mod http;
mod jupyterlab;
mod postgresql;
pub mod process;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use self::process::RunAs;
use super::{Health, LaunchSpec, Launched, SpawnError, Spawner};
use crate::config::Config;

/// The JupyterLab release `make tools-services` installs (the Makefile's
/// `JUPYTERLAB_VERSION`; a test keeps the two equal).
pub const JUPYTERLAB_VERSION: &str = "4.6.6";

/// Where `make tools-services` puts JupyterLab's virtualenv.
pub fn default_jupyterlab_venv() -> PathBuf {
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home)
        .join(".cache/habilis-tools")
        .join(format!("jupyterlab-{JUPYTERLAB_VERSION}"))
}

/// The newest Debian PostgreSQL server binaries (`/usr/lib/postgresql/<v>/bin`).
pub fn detect_pg_bindir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.split('.').next()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

/// What a local instance is: enough to find its processes again after a
/// restart, and nothing secret.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Handle {
    recipe: String,
    /// The group leader; the group id is the same number.
    pid: i32,
    pgid: i32,
    port: u16,
    workdir: PathBuf,
    started_at: DateTime<Utc>,
    /// `/proc/<pid>/stat` start time and the boot id: with the pid, one
    /// process for ever (a reused pid does not pass for the instance).
    proc_start: u64,
    boot_id: String,
}

impl Handle {
    fn parse(v: &Value) -> Result<Handle, SpawnError> {
        serde_json::from_value(v.clone()).map_err(|e| SpawnError::BadHandle(e.to_string()))
    }

    fn private(&self) -> PathBuf {
        self.workdir.join(".habilis")
    }

    fn log(&self) -> PathBuf {
        log_path(&self.workdir)
    }

    fn alive(&self) -> bool {
        process::is_alive(self.pid, self.proc_start, &self.boot_id)
    }

    /// The secret the spawner itself uses to talk to the service.
    fn secret(&self) -> Result<String, SpawnError> {
        let p = self.private().join("secret");
        fs::read_to_string(&p)
            .map(|s| s.trim().to_owned())
            .map_err(SpawnError::io(format!("read {}", p.display())))
    }
}

fn log_path(workdir: &Path) -> PathBuf {
    workdir.join("logs").join("instance.log")
}

/// The recipes the local spawner knows (whether it runs one here also
/// needs its tools: [`crate::spawners::Spawner::runs`]).
pub const RECIPES: [&str; 2] = ["postgresql", "jupyterlab"];

/// The spawner; its settings come from [`Config`], read once.
pub struct LocalSpawner {
    run_as: Option<RunAs>,
    /// Root, and no account to run instances as: nothing runs (never as
    /// root), for this reason.
    no_account: Option<String>,
    grace: Duration,
    venv: PathBuf,
    pg_bindir: Option<PathBuf>,
    /// One copy of the virtualenv at a time (see [`jupyterlab`]).
    venv_copy: Mutex<()>,
}

impl LocalSpawner {
    pub fn from_config(config: &Config) -> Result<LocalSpawner, String> {
        // A named account that is wrong stops the start; the default one
        // missing only makes the recipes unavailable (with the reason).
        let (run_as, no_account) = match RunAs::resolve(config.instance_user.as_deref()) {
            Ok(r) => (r, None),
            Err(e) if config.instance_user.is_some() => return Err(e),
            Err(e) => (None, Some(e)),
        };
        let pg_bindir = config.pg_bindir.clone().or_else(detect_pg_bindir);
        let s = LocalSpawner {
            run_as,
            no_account,
            grace: Duration::from_secs(config.instance_stop_grace_secs),
            venv: config
                .jupyterlab_venv
                .clone()
                .unwrap_or_else(default_jupyterlab_venv),
            pg_bindir,
            venv_copy: Mutex::new(()),
        };
        for recipe in ["postgresql", "jupyterlab"] {
            if let Err(why) = s.check(recipe) {
                tracing::warn!(recipe, %why, "the local spawner cannot run this recipe here");
            }
        }
        Ok(s)
    }

    /// Why `recipe` cannot run here, if it cannot.
    fn check(&self, recipe: &str) -> Result<(), String> {
        if let Some(why) = &self.no_account {
            return Err(why.clone());
        }
        // The recipes of RECIPES.
        match recipe {
            "postgresql" => postgresql::check(self),
            "jupyterlab" => jupyterlab::check(self),
            other => Err(format!("unknown recipe {other:?}")),
        }
    }

    /// Prepares the working directory (see the module doc).
    fn prepare(&self, workdir: &Path) -> Result<(), SpawnError> {
        let owner = self.run_as.as_ref();
        // The server's; the instance account only passes through it.
        process::make_dir(workdir, None, if owner.is_some() { 0o711 } else { 0o700 })?;
        if let Some((u, dir)) = owner.and_then(|u| Some((u, u.blocked_at(workdir, 0o1)?))) {
            return Err(SpawnError::Unavailable(
                "instance".into(),
                format!(
                    "the instance account {} cannot reach {} (give the directories above the \
                     data directory search permission for others, e.g. chmod o+x, or move \
                     HABILIS_DATA_DIR)",
                    u.name,
                    dir.display()
                ),
            ));
        }
        process::make_dir(&workdir.join(".habilis"), None, 0o700)?;
        process::make_dir(&workdir.join("logs"), None, 0o755)?;
        process::make_dir(&workdir.join("home"), owner, 0o700)?;
        let _ = fs::remove_file(workdir.join(".habilis/stopped"));
        Ok(())
    }

    fn handle_for(
        &self,
        recipe: &str,
        spec: &LaunchSpec,
        port: u16,
        started: process::Started,
    ) -> Value {
        let h = Handle {
            recipe: recipe.to_owned(),
            pid: started.pid,
            pgid: started.pid,
            port,
            workdir: spec.workdir.clone(),
            started_at: Utc::now(),
            proc_start: started.proc_start,
            boot_id: started.boot_id,
        };
        serde_json::to_value(h).unwrap_or(Value::Null)
    }
}

impl Spawner for LocalSpawner {
    fn kind(&self) -> &'static str {
        "local"
    }

    fn runs(&self, recipe: &str) -> bool {
        self.check(recipe).is_ok()
    }

    fn start(&self, spec: &LaunchSpec) -> Result<Launched, SpawnError> {
        self.check(spec.recipe)
            .map_err(|why| SpawnError::Unavailable(spec.recipe.to_owned(), why))?;
        match spec.recipe {
            "postgresql" => postgresql::start(self, spec),
            "jupyterlab" => jupyterlab::start(self, spec),
            other => Err(SpawnError::Unavailable(
                other.into(),
                "unknown recipe".into(),
            )),
        }
    }

    fn health(&self, handle: &Value) -> Health {
        let h = match Handle::parse(handle) {
            Ok(h) => h,
            Err(e) => return Health::Failed(e.to_string()),
        };
        if !h.alive() {
            if h.private().join("stopped").exists() {
                return Health::Stopped;
            }
            let tail = process::tail(&h.log(), 2000).unwrap_or_default();
            let last = tail
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no output");
            return Health::Failed(format!("the process ended: {last}"));
        }
        let answers = match h.recipe.as_str() {
            "postgresql" => postgresql::answers(self, &h),
            "jupyterlab" => jupyterlab::answers(&h),
            other => return Health::Failed(format!("unknown recipe {other:?}")),
        };
        if answers {
            Health::Running
        } else {
            Health::Starting
        }
    }

    fn last_activity(&self, handle: &Value) -> Result<Option<DateTime<Utc>>, SpawnError> {
        let h = Handle::parse(handle)?;
        if !h.alive() {
            return Err(SpawnError::Service("the instance is not running".into()));
        }
        match h.recipe.as_str() {
            "postgresql" => postgresql::last_activity(self, &h),
            "jupyterlab" => jupyterlab::last_activity(&h),
            other => Err(SpawnError::BadHandle(format!("unknown recipe {other:?}"))),
        }
    }

    fn stop(&self, handle: &Value) -> Result<(), SpawnError> {
        let h = Handle::parse(handle)?;
        // Marked first: from now on an ended process reads as stopped.
        let _ = fs::write(h.private().join("stopped"), Utc::now().to_rfc3339());
        process::stop_group(h.pid, h.proc_start, &h.boot_id, self.grace)
            .map_err(SpawnError::Service)
    }

    fn logs(&self, handle: &Value, max_bytes: usize) -> Result<String, SpawnError> {
        let h = Handle::parse(handle)?;
        process::tail(&h.log(), max_bytes)
    }

    fn alive(&self, handle: &Value) -> bool {
        Handle::parse(handle).is_ok_and(|h| h.alive())
    }

    fn remove(&self, handle: &Value) -> Result<(), SpawnError> {
        let h = Handle::parse(handle)?;
        self.stop(handle)?;
        // Only a directory this spawner prepared (it has `.habilis/`).
        if !h.private().is_dir() {
            return Ok(());
        }
        fs::remove_dir_all(&h.workdir)
            .map_err(SpawnError::io(format!("remove {}", h.workdir.display())))
    }
}

#[cfg(test)]
mod tests;

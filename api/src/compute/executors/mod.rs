//! Where jobs run (SPEC §7): one trait, the local worker slots (the
//! embedded default) and Slurm (production). An executor is told what to
//! run ([`Launch`]: an argv, never a shell string) and answers a handle it
//! is later asked about; it knows nothing of the queue, the database or
//! the policy. Every call blocks: the server makes them on the blocking
//! pool.

use std::path::PathBuf;
use std::time::Duration;

pub mod slurm;

/// One job, ready to run.
#[derive(Clone, Debug)]
pub struct Launch {
    pub job_id: String,
    /// Rendered argv; `argv[0]` is the program.
    pub argv: Vec<String>,
    /// The job's working directory (it exists); outputs go to `workdir/out`.
    pub workdir: PathBuf,
    /// Where stdout and stderr go (`workdir/job.log`).
    pub log_path: PathBuf,
    pub timeout: Duration,
    pub cpus: u32,
    pub memory_mb: u32,
    pub env: Vec<(String, String)>,
}

/// What an executor knows of a handle.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Running,
    Finished {
        exit_code: Option<i32>,
        cpu_secs: Option<f64>,
        max_rss_kb: Option<i64>,
        timed_out: bool,
        cancelled: bool,
    },
    /// The executor no longer knows the handle (why).
    Lost(String),
}

/// An executor's failure, for the log and the job's `failure`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecError(pub String);

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ExecError {}

/// Where jobs run.
pub trait Executor: Send + Sync {
    /// `local` or `slurm`.
    fn kind(&self) -> &'static str;
    /// How many jobs may run at once.
    fn slots(&self) -> u32;
    /// Starts `launch`; answers the handle.
    fn submit(&self, launch: &Launch) -> Result<String, ExecError>;
    /// Where the job of `handle` stands.
    fn poll(&self, handle: &str) -> Result<Status, ExecError>;
    /// Stops the job of `handle` (its whole process group).
    fn cancel(&self, handle: &str) -> Result<(), ExecError>;
}

pub mod local;

use std::sync::Arc;

use crate::config::Config;
use crate::spawners::local::process::RunAs;

/// The executor `HABILIS_COMPUTE_EXECUTOR` names, with its slots; `None`
/// for `none` (this replica dispatches nothing).
pub fn from_config(config: &Config) -> Result<Option<Arc<dyn Executor>>, String> {
    match config.compute_executor.as_str() {
        "none" => Ok(None),
        "local" => {
            let run_as = RunAs::resolve(config.instance_user.as_deref())?;
            Ok(Some(Arc::new(local::LocalExecutor::new(
                config.compute_slots,
                run_as,
            ))))
        }
        // Jobs are submitted with the Slurm tools on PATH, to the cluster
        // of `SLURM_CONF` (or the host's configuration).
        "slurm" => Ok(Some(Arc::new(slurm::SlurmExecutor {
            slots: config.compute_slots,
            partition: config.slurm_partition.clone(),
            bin_dir: None,
        }))),
        other => Err(format!(
            "HABILIS_COMPUTE_EXECUTOR: {other} is not local, slurm or none"
        )),
    }
}

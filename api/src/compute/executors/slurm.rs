//! The Slurm executor (SPEC §7: production runs jobs on the cluster).
//!
//! A job is submitted with `sbatch` as a small fixed wrapper script that
//! `exec`s its arguments: the rendered argv travels as `sbatch`'s own
//! arguments after the script, so nothing is ever quoted or interpreted by
//! a shell. The job's environment is exactly the launch's variables (plus
//! the few the Slurm tools need): the server's own environment, which holds
//! its secrets, never reaches a job.
//!
//! Where a job stands comes from `scontrol show job -o <id>` (one job, a
//! key=value line whose format has been stable across Slurm releases).
//! `squeue --json` is not used: in Slurm 22.05 it ignores `-j` and answers
//! every job of the cluster, and its schema changed in 23.02. CPU time and
//! peak memory only exist in the accounting database, read with `sacct` once
//! a job is over; a cluster without `slurmdbd` answers "accounting storage
//! is disabled", and those figures stay unknown. Once `slurmctld` has
//! forgotten a finished job (`MinJobAge`), `sacct` is the only source left;
//! without accounting the handle is then lost.
//!
//! Every tool runs with an argv (never a shell) and under a time limit, so a
//! hung controller cannot hold a blocking thread forever.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::{ExecError, Executor, Launch, Status};

/// The batch script: runs its arguments as they are (`exec "$@"`).
pub const WRAPPER: &str =
    "#!/bin/sh\n# Written by Habilis: runs the job's argv as given.\nexec \"$@\"\n";
/// The wrapper's name in the job's working directory.
pub const WRAPPER_NAME: &str = ".habilis-slurm.sh";
/// How long one Slurm command may take before it is killed.
pub const TOOL_TIMEOUT: Duration = Duration::from_secs(30);
/// The server variables a job (and `sbatch` itself) still receives; every
/// other one is dropped before `sbatch` runs.
const KEPT_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "TZ",
    "SLURM_CONF",
];

/// Jobs on a Slurm cluster, submitted from this machine's Slurm client.
#[derive(Clone, Debug)]
pub struct SlurmExecutor {
    /// How many Habilis jobs may be queued on the cluster at once.
    pub slots: u32,
    /// `--partition`; the cluster's default partition when `None`.
    pub partition: Option<String>,
    /// Where `sbatch`, `scontrol`, `scancel` and `sacct` are; `PATH` when `None`.
    pub bin_dir: Option<PathBuf>,
}

impl SlurmExecutor {
    fn tool(&self, name: &str) -> PathBuf {
        match &self.bin_dir {
            Some(dir) => dir.join(name),
            None => PathBuf::from(name),
        }
    }

    /// Runs one Slurm command; `env` replaces the environment when given.
    fn run(
        &self,
        name: &str,
        args: &[OsString],
        env: Option<&[(String, String)]>,
    ) -> Result<ToolOutput, ExecError> {
        let mut cmd = Command::new(self.tool(name));
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(env) = env {
            cmd.env_clear();
            for key in KEPT_ENV {
                if let Some(value) = std::env::var_os(key) {
                    cmd.env(key, value);
                }
            }
            cmd.envs(env.iter().map(|(k, v)| (k, v)));
        }
        run_with_timeout(cmd, name, TOOL_TIMEOUT)
    }

    /// The accounting record of a job; `None` when the cluster keeps no
    /// accounting or has no record of it.
    fn accounting(&self, id: &str) -> Result<Option<Accounting>, ExecError> {
        let args: Vec<OsString> = ["-j", id, "-n", "-P", "-o", SACCT_FIELDS]
            .iter()
            .map(OsString::from)
            .collect();
        let out = self.run("sacct", &args, None)?;
        if out.stderr.contains("accounting storage is disabled") {
            return Ok(None);
        }
        if !out.status.success() {
            return Err(ExecError(format!("sacct -j {id}: {}", out.stderr.trim())));
        }
        Ok(parse_sacct(&out.stdout, id))
    }
}

impl Executor for SlurmExecutor {
    fn kind(&self) -> &'static str {
        "slurm"
    }

    fn slots(&self) -> u32 {
        self.slots
    }

    fn submit(&self, launch: &Launch) -> Result<String, ExecError> {
        if launch.argv.is_empty() {
            return Err(ExecError("nothing to run: the argv is empty".into()));
        }
        let wrapper = launch.workdir.join(WRAPPER_NAME);
        std::fs::write(&wrapper, WRAPPER)
            .map_err(|e| ExecError(format!("{}: {e}", wrapper.display())))?;
        let args = sbatch_args(launch, self.partition.as_deref(), &wrapper);
        let out = self.run("sbatch", &args, Some(&launch.env))?;
        if !out.status.success() {
            return Err(ExecError(format!("sbatch: {}", out.stderr.trim())));
        }
        parse_sbatch(&out.stdout)
    }

    fn poll(&self, handle: &str) -> Result<Status, ExecError> {
        let id = job_id(handle)?;
        let args: Vec<OsString> = ["show", "job", "-o", id]
            .iter()
            .map(OsString::from)
            .collect();
        let out = self.run("scontrol", &args, None)?;
        if out.status.success() {
            let info = parse_scontrol_job(&out.stdout, id)?;
            return Ok(match info.state.outcome() {
                None => Status::Running,
                Some(outcome) => {
                    // The figures are a bonus: a failing `sacct` must not
                    // hide that the job is over.
                    let acct = self.accounting(id).ok().flatten();
                    finished(outcome, info.exit, acct.as_ref())
                }
            });
        }
        if !out.stderr.contains("Invalid job id") {
            return Err(ExecError(format!(
                "scontrol show job {id}: {}",
                out.stderr.trim()
            )));
        }
        // The controller forgot the job (MinJobAge): only accounting knows.
        match self.accounting(id)? {
            Some(acct) => Ok(match acct.state.outcome() {
                None => Status::Running,
                Some(outcome) => finished(outcome, acct.exit, Some(&acct)),
            }),
            None => Ok(Status::Lost(format!("Slurm no longer knows job {id}"))),
        }
    }

    fn cancel(&self, handle: &str) -> Result<(), ExecError> {
        let id = job_id(handle)?;
        // `scancel` answers 0 for a job already over: cancelling is idempotent.
        let out = self.run("scancel", &[OsString::from(id)], None)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(ExecError(format!("scancel {id}: {}", out.stderr.trim())))
        }
    }
}

/// What a Slurm command said.
struct ToolOutput {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

fn run_with_timeout(
    mut cmd: Command,
    name: &str,
    limit: Duration,
) -> Result<ToolOutput, ExecError> {
    let mut child = cmd.spawn().map_err(|e| ExecError(format!("{name}: {e}")))?;
    let out = child.stdout.take().map(reader);
    let err = child.stderr.take().map(reader);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ExecError(format!(
                    "{name} did not answer within {}s",
                    limit.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(ExecError(format!("{name}: {e}"))),
        }
    };
    let collect = |h: Option<std::thread::JoinHandle<Vec<u8>>>| {
        h.and_then(|h| h.join().ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    };
    Ok(ToolOutput {
        status,
        stdout: collect(out),
        stderr: collect(err),
    })
}

fn reader<R: Read + Send + 'static>(mut pipe: R) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// `--time` in whole minutes, rounded up: Slurm's time limits have a
/// minute's granularity (`--time=0:05` is taken as one minute).
pub fn time_minutes(timeout: Duration) -> u64 {
    timeout.as_secs().div_ceil(60).max(1)
}

/// `sbatch`'s arguments: options, the wrapper, then the job's argv as is.
pub fn sbatch_args(launch: &Launch, partition: Option<&str>, wrapper: &Path) -> Vec<OsString> {
    let opt = |name: &str, value: &std::ffi::OsStr| {
        let mut s = OsString::from(name);
        s.push(value);
        s
    };
    let mut args: Vec<OsString> = vec![
        "--parsable".into(),
        format!("--job-name=habilis-{}", launch.job_id).into(),
        opt("--chdir=", launch.workdir.as_os_str()),
        opt("--output=", launch.log_path.as_os_str()),
        opt("--error=", launch.log_path.as_os_str()),
        format!("--time={}", time_minutes(launch.timeout)).into(),
        // The environment is the one `sbatch` is given (see `KEPT_ENV`).
        "--export=ALL".into(),
        // A job that failed with its node ends here, not silently re-run.
        "--no-requeue".into(),
    ];
    if launch.cpus > 0 {
        args.push(format!("--cpus-per-task={}", launch.cpus).into());
    }
    // `--mem=0` would mean "all the node's memory".
    if launch.memory_mb > 0 {
        args.push(format!("--mem={}M", launch.memory_mb).into());
    }
    if let Some(p) = partition {
        args.push(format!("--partition={p}").into());
    }
    args.push(wrapper.as_os_str().to_owned());
    args.extend(launch.argv.iter().map(OsString::from));
    args
}

/// The job id from `sbatch --parsable` (`<id>` or `<id>;<cluster>`).
pub fn parse_sbatch(stdout: &str) -> Result<String, ExecError> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let id = line.split(';').next().unwrap_or("").trim();
    job_id(id)
        .map(str::to_owned)
        .map_err(|_| ExecError(format!("sbatch answered no job id: {:?}", stdout.trim())))
}

/// A handle is a plain Slurm job id: digits only, so it can never be read
/// as an option by the tools.
fn job_id(handle: &str) -> Result<&str, ExecError> {
    if !handle.is_empty() && handle.len() <= 20 && handle.bytes().all(|b| b.is_ascii_digit()) {
        Ok(handle)
    } else {
        Err(ExecError(format!("not a Slurm job id: {handle:?}")))
    }
}

/// A Slurm job state (`JOB_STATE_BASE` names, as `scontrol` and `sacct`
/// print them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobState(pub String);

/// How a finished job ended, as far as the [`Status`] tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ended,
    TimedOut,
    Cancelled,
}

impl JobState {
    /// `None` while the job may still run; its outcome once it is over.
    pub fn outcome(&self) -> Option<Outcome> {
        // sacct writes "CANCELLED by 0".
        let base = self.0.split_whitespace().next().unwrap_or("");
        match base {
            "TIMEOUT" | "DEADLINE" => Some(Outcome::TimedOut),
            "CANCELLED" => Some(Outcome::Cancelled),
            "COMPLETED" | "FAILED" | "OUT_OF_MEMORY" | "NODE_FAIL" | "BOOT_FAIL" | "PREEMPTED" => {
                Some(Outcome::Ended)
            }
            // PENDING, CONFIGURING, RUNNING, COMPLETING (epilog still
            // running: the exit code is not final yet), SUSPENDED, REQUEUED,
            // RESIZING, SIGNALING, STAGE_OUT, STOPPED, …
            _ => None,
        }
    }
}

/// Slurm's `ExitCode=<code>:<signal>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExitCode {
    pub code: i32,
    pub signal: i32,
}

impl ExitCode {
    pub fn parse(s: &str) -> Option<ExitCode> {
        let (code, signal) = s.trim().split_once(':')?;
        Some(ExitCode {
            code: code.parse().ok()?,
            signal: signal.parse().ok()?,
        })
    }

    /// The program's exit status; `None` when a signal ended it.
    pub fn exit_code(self) -> Option<i32> {
        (self.signal == 0).then_some(self.code)
    }
}

/// What `scontrol show job -o` tells of one job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScontrolJob {
    pub state: JobState,
    pub exit: Option<ExitCode>,
}

/// Parses `scontrol show job -o <id>`. Only the fields before `Command=`
/// are read: the command line and the paths after it are the user's and
/// may hold spaces, `=` or newlines.
pub fn parse_scontrol_job(stdout: &str, id: &str) -> Result<ScontrolJob, ExecError> {
    let mut job_id = None;
    let mut state = None;
    let mut exit = None;
    for token in stdout.split_whitespace() {
        if token.starts_with("Command=") {
            break;
        }
        let Some((key, value)) = token.split_once('=') else {
            continue;
        };
        match key {
            "JobId" if job_id.is_none() => job_id = Some(value),
            "JobState" if state.is_none() => state = Some(value),
            "ExitCode" if exit.is_none() => exit = ExitCode::parse(value),
            _ => {}
        }
    }
    if job_id != Some(id) {
        return Err(ExecError(format!(
            "scontrol did not describe job {id}: {:?}",
            first_line(stdout)
        )));
    }
    let state = state.ok_or_else(|| ExecError(format!("scontrol gave no state for job {id}")))?;
    Ok(ScontrolJob {
        state: JobState(state.to_owned()),
        exit,
    })
}

fn first_line(s: &str) -> &str {
    let line = s.lines().next().unwrap_or("");
    &line[..line.len().min(120)]
}

/// The fields asked of `sacct` (`-n -P`: no header, `|` between fields).
pub const SACCT_FIELDS: &str = "JobID,State,ExitCode,TotalCPU,MaxRSS";

/// What the accounting database keeps of a job.
#[derive(Clone, Debug, PartialEq)]
pub struct Accounting {
    pub state: JobState,
    pub exit: Option<ExitCode>,
    /// CPU time of all its steps.
    pub cpu_secs: Option<f64>,
    /// The largest resident set of any step.
    pub max_rss_kb: Option<i64>,
}

/// Parses `sacct -j <id> -n -P -o JobID,State,ExitCode,TotalCPU,MaxRSS`:
/// the allocation's line (`<id>`) gives state, exit code and total CPU; the
/// steps' lines (`<id>.batch`, `<id>.0`, …) give their peak memory.
pub fn parse_sacct(stdout: &str, id: &str) -> Option<Accounting> {
    let mut acct: Option<Accounting> = None;
    let mut rss: Option<i64> = None;
    for line in stdout.lines() {
        let fields: Vec<&str> = line.split('|').collect();
        let [job, state, exit, cpu, max_rss, ..] = fields[..] else {
            continue;
        };
        if job == id {
            acct = Some(Accounting {
                state: JobState(state.to_owned()),
                exit: ExitCode::parse(exit),
                cpu_secs: parse_duration_secs(cpu),
                max_rss_kb: None,
            });
        } else if job.split_once('.').is_some_and(|(j, _)| j == id) {
            if let Some(kb) = parse_size_kb(max_rss) {
                rss = Some(rss.map_or(kb, |r| r.max(kb)));
            }
        }
    }
    acct.map(|a| Accounting {
        max_rss_kb: rss,
        ..a
    })
}

/// Slurm's `[DD-][HH:]MM:SS[.fff]` (sacct's `TotalCPU`, `Elapsed`).
pub fn parse_duration_secs(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let (days, rest) = match s.split_once('-') {
        Some((d, rest)) => (d.parse::<f64>().ok()?, rest),
        None => (0.0, s),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let mut secs = 0.0;
    for part in &parts {
        secs = secs * 60.0 + part.parse::<f64>().ok()?;
    }
    Some(days * 86_400.0 + secs)
}

/// Slurm's sizes (`MaxRSS`): a number with an optional K, M, G, T suffix
/// (KiB by default), in KiB.
pub fn parse_size_kb(s: &str) -> Option<i64> {
    let s = s.trim();
    let (number, factor) = match s.chars().last()? {
        'K' => (&s[..s.len() - 1], 1.0),
        'M' => (&s[..s.len() - 1], 1024.0),
        'G' => (&s[..s.len() - 1], 1024.0 * 1024.0),
        'T' => (&s[..s.len() - 1], 1024.0 * 1024.0 * 1024.0),
        _ => (s, 1.0),
    };
    let value: f64 = number.parse().ok()?;
    Some((value * factor).round() as i64)
}

fn finished(outcome: Outcome, exit: Option<ExitCode>, acct: Option<&Accounting>) -> Status {
    Status::Finished {
        // A stopped job has no exit code of its own: scontrol says 0:15,
        // but sacct records a cancelled job as 0:0.
        exit_code: match outcome {
            Outcome::Ended => exit.and_then(ExitCode::exit_code),
            Outcome::TimedOut | Outcome::Cancelled => None,
        },
        cpu_secs: acct.and_then(|a| a.cpu_secs),
        max_rss_kb: acct.and_then(|a| a.max_rss_kb),
        timed_out: outcome == Outcome::TimedOut,
        cancelled: outcome == Outcome::Cancelled,
    }
}

#[cfg(test)]
mod tests;

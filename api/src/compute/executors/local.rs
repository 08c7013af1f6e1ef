//! Local worker slots (issue 17 §5), the embedded default: each job is a
//! real process started from its argv (no shell), in its own process
//! group, in the job's working directory, as the unprivileged account the
//! local spawner uses when the server runs as root
//! (`HABILIS_INSTANCE_USER`, default `nobody`), with a clean environment
//! and stdout/stderr appended to the job's log.
//!
//! Limits where the OS allows: the memory limit is the address-space limit
//! (`RLIMIT_AS`) of the process, the CPU limit its CPU-time limit
//! (`RLIMIT_CPU` = timeout × cpus), both inherited by its children and set
//! by util-linux's `prlimit`, which the job's argv is handed to (it sets
//! them on itself, as the job's account, then executes the program: no
//! privilege is needed and no shell is involved); the
//! wall-clock timeout kills the whole process group (SIGTERM, then SIGKILL
//! after a grace). Cancelling does the same. CPU time is read from the
//! exited leader before it is reaped (its own and its waited-for
//! children's), peak memory (`VmHWM`) while it runs.
//!
//! The handle is `local:<boot id>:<pid>:<start ticks>`: it names one
//! process for ever, so a replica that finds the job of a dead one on
//! this host can stop what is left of it.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rustix::process::{Pid, WaitId, WaitIdOptions};

use super::{ExecError, Executor, Launch, Status};
use crate::spawners::local::process::{self, RunAs};

/// How long a stopped job has between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_secs(5);

struct Proc {
    child: Child,
    pid: i32,
    started: Instant,
    timeout: Duration,
    /// SIGTERM sent at (timeout or cancel), for the SIGKILL after [`GRACE`].
    stopping: Option<Instant>,
    timed_out: bool,
    cancelled: bool,
    peak_rss_kb: Option<i64>,
}

/// Worker slots on this host.
pub struct LocalExecutor {
    slots: u32,
    run_as: Option<RunAs>,
    procs: Mutex<HashMap<String, Proc>>,
}

impl LocalExecutor {
    /// `slots` jobs at once (0: a replica that only watches and recovers),
    /// run as `run_as` (see [`RunAs::resolve`]).
    pub fn new(slots: u32, run_as: Option<RunAs>) -> LocalExecutor {
        LocalExecutor {
            slots,
            run_as,
            procs: Mutex::new(HashMap::new()),
        }
    }

    /// The account jobs run as, if not the server's own.
    pub fn run_as(&self) -> Option<&RunAs> {
        self.run_as.as_ref()
    }

    fn procs(&self) -> std::sync::MutexGuard<'_, HashMap<String, Proc>> {
        self.procs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stops what is left of a job started on this host by another
    /// process (a replica that died): its process group, if the handle
    /// still names a live process of this boot.
    pub fn stop_orphan(handle: &str) -> bool {
        let Some((boot, pid, ticks)) = parse_handle(handle) else {
            return false;
        };
        if boot != process::boot_id() || !process::group_exists(pid) {
            return false;
        }
        process::stop_group(pid, ticks, &boot, GRACE).is_ok()
    }
}

fn parse_handle(handle: &str) -> Option<(String, i32, u64)> {
    let mut it = handle.strip_prefix("local:")?.split(':');
    let boot = it.next()?.to_owned();
    let pid = it.next()?.parse().ok()?;
    let ticks = it.next()?.parse().ok()?;
    Some((boot, pid, ticks))
}

fn signal(pid: i32, sig: rustix::process::Signal) {
    if let Some(p) = Pid::from_raw(pid) {
        let _ = rustix::process::kill_process_group(p, sig);
    }
}

/// util-linux's `prlimit`, which sets the job's limits on itself and then
/// executes the job's program.
const PRLIMIT: &str = "/usr/bin/prlimit";

/// util-linux's `setpriv`, which becomes the job's account (groups
/// cleared, then gid, then uid: what `Command::uid`/`gid` do) and executes
/// `prlimit`. Changing account in a program of its own rather than in the
/// child of `fork` lets the standard library start the job with
/// `posix_spawn` (a `vfork`-style clone): no copy of the server's page
/// tables per job, which is what a fork of a large server costs.
const SETPRIV: &str = "/usr/bin/setpriv";

/// The PATH jobs run with.
const PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// Where `program` is found on the jobs' PATH.
fn which(program: &str) -> Option<std::path::PathBuf> {
    PATH.split(':')
        .map(|d| std::path::Path::new(d).join(program))
        .find(|p| p.is_file())
}

impl Executor for LocalExecutor {
    fn kind(&self) -> &'static str {
        "local"
    }

    fn slots(&self) -> u32 {
        self.slots
    }

    fn submit(&self, l: &Launch) -> Result<String, ExecError> {
        let Some((program, args)) = l.argv.split_first() else {
            return Err(ExecError("the command is empty".to_owned()));
        };
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o640)
            .open(&l.log_path)
            .map_err(|e| ExecError(format!("open {}: {e}", l.log_path.display())))?;
        let err = log
            .try_clone()
            .map_err(|e| ExecError(format!("duplicate the log: {e}")))?;
        let bytes = u64::from(l.memory_mb) * 1024 * 1024;
        let cpu = l.timeout.as_secs().max(1) * u64::from(l.cpus.max(1));
        let mut cmd = match &self.run_as {
            Some(u) => {
                let mut c = Command::new(SETPRIV);
                c.arg(format!("--reuid={}", u.uid))
                    .arg(format!("--regid={}", u.gid))
                    .arg("--clear-groups")
                    .arg("--")
                    .arg(PRLIMIT);
                c
            }
            None => Command::new(PRLIMIT),
        };
        cmd.arg(format!("--as={bytes}"))
            .arg(format!("--cpu={cpu}"))
            .arg("--")
            .arg(program)
            .args(args)
            .current_dir(&l.workdir)
            .env_clear()
            .env("PATH", PATH)
            .env("LANG", "C.UTF-8")
            .env("HOME", &l.workdir)
            .envs(l.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err))
            .process_group(0);
        if let Some(u) = &self.run_as {
            cmd.env("USER", &u.name);
        }
        let found = if program.contains('/') {
            std::path::Path::new(program).is_file()
        } else {
            which(program).is_some()
        };
        if !found {
            return Err(ExecError(format!("{program}: no such program in PATH")));
        }
        let child = cmd
            .spawn()
            .map_err(|e| ExecError(format!("{}: {e}", cmd.get_program().to_string_lossy())))?;
        let pid = i32::try_from(child.id())
            .map_err(|_| ExecError(format!("pid out of range: {}", child.id())))?;
        let ticks = process::proc_start_ticks(pid).unwrap_or(0);
        let handle = format!("local:{}:{pid}:{ticks}", process::boot_id());
        let proc = Proc {
            child,
            pid,
            started: Instant::now(),
            timeout: l.timeout,
            stopping: None,
            timed_out: false,
            cancelled: false,
            peak_rss_kb: None,
        };
        self.procs().insert(handle.clone(), proc);
        Ok(handle)
    }

    fn poll(&self, handle: &str) -> Result<Status, ExecError> {
        let mut procs = self.procs();
        let Some(p) = procs.get_mut(handle) else {
            return Ok(Status::Lost(
                "no process of this server runs this job".to_owned(),
            ));
        };
        // Exited? Asked without reaping, so the totals can still be read.
        let exited = Pid::from_raw(p.pid).is_some_and(|pid| {
            matches!(
                rustix::process::waitid(
                    WaitId::Pid(pid),
                    WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT,
                ),
                Ok(Some(_))
            )
        });
        if !exited {
            if let Some(kb) = process::peak_rss_kb(p.pid) {
                p.peak_rss_kb = Some(p.peak_rss_kb.map_or(kb, |m| m.max(kb)));
            }
            let now = Instant::now();
            match p.stopping {
                None if now.duration_since(p.started) > p.timeout => {
                    p.timed_out = true;
                    p.stopping = Some(now);
                    signal(p.pid, rustix::process::Signal::TERM);
                }
                Some(at) if now.duration_since(at) > GRACE => {
                    signal(p.pid, rustix::process::Signal::KILL);
                }
                _ => {}
            }
            return Ok(Status::Running);
        }
        let cpu_ms = process::cpu_ms(p.pid);
        let status = p
            .child
            .wait()
            .map_err(|e| ExecError(format!("wait for {}: {e}", p.pid)))?;
        // Whatever the leader left behind in its group goes with it.
        signal(p.pid, rustix::process::Signal::KILL);
        let done = Status::Finished {
            exit_code: status.code().or_else(|| status.signal().map(|s| 128 + s)),
            cpu_secs: cpu_ms.map(|ms| ms as f64 / 1000.0),
            max_rss_kb: p.peak_rss_kb,
            timed_out: p.timed_out,
            cancelled: p.cancelled,
        };
        procs.remove(handle);
        Ok(done)
    }

    fn cancel(&self, handle: &str) -> Result<(), ExecError> {
        let mut procs = self.procs();
        match procs.get_mut(handle) {
            Some(p) => {
                if p.stopping.is_none() {
                    p.cancelled = true;
                    p.stopping = Some(Instant::now());
                    signal(p.pid, rustix::process::Signal::TERM);
                }
                Ok(())
            }
            None => {
                drop(procs);
                LocalExecutor::stop_orphan(handle);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(dir: &std::path::Path, argv: &[&str], timeout: Duration) -> Launch {
        Launch {
            job_id: "t".to_owned(),
            argv: argv.iter().map(|s| (*s).to_owned()).collect(),
            workdir: dir.to_path_buf(),
            log_path: dir.join("job.log"),
            timeout,
            cpus: 1,
            memory_mb: 512,
            env: vec![("GREETING".to_owned(), "bonjour".to_owned())],
        }
    }

    fn wait(ex: &LocalExecutor, h: &str) -> Status {
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            let s = ex.poll(h).expect("poll");
            if s != Status::Running || Instant::now() > until {
                return s;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn dir() -> tempfile::TempDir {
        let d = tempfile::tempdir().expect("tempdir");
        // As root, jobs run as nobody: it must write here.
        std::fs::set_permissions(
            d.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o777),
        )
        .expect("chmod");
        d
    }

    fn executor() -> LocalExecutor {
        LocalExecutor::new(2, RunAs::resolve(None).expect("an account to run jobs as"))
    }

    #[test]
    fn a_job_runs_from_its_argv_and_its_exit_code_is_kept() {
        let d = dir();
        let ex = executor();
        let h = ex
            .submit(&launch(
                d.path(),
                &["/usr/bin/env"],
                Duration::from_secs(20),
            ))
            .expect("submit");
        match wait(&ex, &h) {
            Status::Finished {
                exit_code: Some(0),
                timed_out: false,
                cancelled: false,
                cpu_secs: Some(_),
                ..
            } => {}
            other => panic!("{other:?}"),
        }
        let log = std::fs::read_to_string(d.path().join("job.log")).expect("log");
        assert!(log.contains("GREETING=bonjour"), "{log}");
        assert!(
            !log.contains("DATABASE"),
            "the server's environment leaks: {log}"
        );
        let h = ex
            .submit(&launch(
                d.path(),
                &["/bin/sh", "-c", "exit 3"],
                Duration::from_secs(20),
            ))
            .expect("submit");
        assert!(matches!(
            wait(&ex, &h),
            Status::Finished {
                exit_code: Some(3),
                ..
            }
        ));
        assert!(matches!(ex.poll(&h), Ok(Status::Lost(_))));
        assert!(ex
            .submit(&launch(
                d.path(),
                &["/no/such/program"],
                Duration::from_secs(5)
            ))
            .is_err());
    }

    #[test]
    fn timeout_and_cancel_stop_the_whole_group() {
        let d = dir();
        let ex = executor();
        // A child that would outlive its parent: it must go too.
        let h = ex
            .submit(&launch(
                d.path(),
                &["/bin/sh", "-c", "sleep 60 & sleep 60"],
                Duration::from_millis(300),
            ))
            .expect("submit");
        let (_, pid, _) = parse_handle(&h).expect("handle");
        assert!(matches!(
            wait(&ex, &h),
            Status::Finished {
                timed_out: true,
                ..
            }
        ));
        let until = Instant::now() + Duration::from_secs(10);
        while process::group_exists(pid) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(!process::group_exists(pid), "the process group survives");

        let h = ex
            .submit(&launch(d.path(), &["sleep", "60"], Duration::from_secs(60)))
            .expect("submit");
        ex.cancel(&h).expect("cancel");
        assert!(matches!(
            wait(&ex, &h),
            Status::Finished {
                cancelled: true,
                timed_out: false,
                ..
            }
        ));
    }
}

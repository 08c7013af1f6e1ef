//! Local worker slots (issue 17 §5), the embedded default: each job is a
//! real process started from its argv (no shell), in its own process
//! group, in the job's working directory, as the unprivileged account the
//! local spawner uses when the server runs as root
//! (`HABILIS_INSTANCE_USER`, default `nobody`), with a clean environment
//! and stdout/stderr appended to the job's log.
//!
//! Limits where the OS allows: the memory limit is the address-space limit
//! (`RLIMIT_AS`) of the process, the CPU limit its CPU-time limit
//! (`RLIMIT_CPU` = timeout × cpus), both inherited by its children. The
//! process is started by [`habilis_spawn`] with one `execve`: the account,
//! the limits, the process group, the directory and the streams are set in
//! a `vfork`-style child of the server (never a `fork` of the whole server,
//! never a helper program executed first: both cost more than the job's
//! own start, measured with the `dispatch` row of `make bench`); the
//! //! wall-clock timeout kills the whole process group (SIGTERM, then SIGKILL
//! after a grace). Cancelling does the same. CPU time is read from the
//! exited leader before it is reaped (its own and its waited-for
//! children's), peak memory (`VmHWM`) while it runs.
//!
//! The handle is `local:<boot id>:<pid>:<start ticks>`: it names one
//! process for ever, so a replica that finds the job of a dead one on
//! this host can stop what is left of it.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use habilis_spawn::{Account, Limit, Spec};
use rustix::process::{Pid, WaitId, WaitIdOptions, WaitOptions};

use super::{ExecError, Executor, Launch, Status};
use crate::spawners::local::process::{self, RunAs};

/// How long a stopped job has between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_secs(5);

struct Proc {
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

/// The PATH jobs run with.
const PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// The file `program` names: itself when it holds a `/`, else the first
/// on the jobs' PATH.
fn which(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let p = PathBuf::from(program);
        return p.is_file().then_some(p);
    }
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
        let Some(program) = l.argv.first() else {
            return Err(ExecError("the command is empty".to_owned()));
        };
        let Some(path) = which(program) else {
            return Err(ExecError(format!("{program}: no such program in PATH")));
        };
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o640)
            .open(&l.log_path)
            .map_err(|e| ExecError(format!("open {}: {e}", l.log_path.display())))?;
        let null = File::open("/dev/null").map_err(|e| ExecError(format!("/dev/null: {e}")))?;
        let bytes = u64::from(l.memory_mb) * 1024 * 1024;
        let cpu = l.timeout.as_secs().max(1) * u64::from(l.cpus.max(1));
        let argv: Vec<&OsStr> = l.argv.iter().map(OsStr::new).collect();
        // One value per name, the job's own last (as `Command::env` does).
        let mut env: BTreeMap<&OsStr, &OsStr> = BTreeMap::new();
        env.insert(OsStr::new("PATH"), OsStr::new(PATH));
        env.insert(OsStr::new("LANG"), OsStr::new("C.UTF-8"));
        env.insert(OsStr::new("HOME"), l.workdir.as_os_str());
        if let Some(u) = &self.run_as {
            env.insert(OsStr::new("USER"), OsStr::new(&u.name));
        }
        env.extend(l.env.iter().map(|(k, v)| (OsStr::new(k), OsStr::new(v))));
        let env: Vec<(&OsStr, &OsStr)> = env.into_iter().collect();
        let spec = Spec {
            program: &path,
            argv: &argv,
            env: &env,
            cwd: &l.workdir,
            stdio: [null.as_fd(), log.as_fd(), log.as_fd()],
            account: self.run_as.as_ref().map(|u| Account {
                uid: u.uid,
                gid: u.gid,
            }),
            limits: &[Limit::AddressSpace(bytes), Limit::CpuSeconds(cpu)],
            new_process_group: true,
        };
        let pid = habilis_spawn::spawn(&spec)
            .map_err(|e| ExecError(format!("{}: {e}", path.display())))?;
        let ticks = process::proc_start_ticks(pid).unwrap_or(0);
        let handle = format!("local:{}:{pid}:{ticks}", process::boot_id());
        let proc = Proc {
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
        let status = Pid::from_raw(p.pid)
            .ok_or_else(|| ExecError(format!("no such pid: {}", p.pid)))
            .and_then(|pid| {
                rustix::process::waitpid(Some(pid), WaitOptions::empty())
                    .map_err(|e| ExecError(format!("wait for {}: {e}", p.pid)))
            })?
            .map(|(_, s)| s);
        // Whatever the leader left behind in its group goes with it.
        signal(p.pid, rustix::process::Signal::KILL);
        let done = Status::Finished {
            exit_code: status.and_then(|s| {
                s.exit_status()
                    .or_else(|| s.terminating_signal().map(|n| 128 + n))
            }),
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
        // A program that cannot start is an error that says why, never a
        // panic nor a process left behind.
        let no = ex
            .submit(&launch(
                d.path(),
                &["/no/such/program"],
                Duration::from_secs(5),
            ))
            .expect_err("no such program");
        assert_eq!(no.0, "/no/such/program: no such program in PATH");
        let log = d.path().join("job.log");
        let not_executable = log.display().to_string();
        let no = ex
            .submit(&launch(
                d.path(),
                &[not_executable.as_str()],
                Duration::from_secs(5),
            ))
            .expect_err("not executable");
        assert_eq!(
            no.0,
            format!(
                "{not_executable}: the process could not execute: \
                 Permission denied (os error 13)"
            )
        );
        let mut gone = launch(d.path(), &["/bin/true"], Duration::from_secs(5));
        gone.workdir = d.path().join("gone");
        let no = ex.submit(&gone).expect_err("no working directory");
        assert!(
            no.0.ends_with(
                "could not enter its working directory: No such file or directory (os error 2)"
            ),
            "{no}"
        );
        assert!(ex.procs().is_empty());
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

//! The Slurm executor against a real Slurm (SPEC §7). `make test-slurm`
//! starts a single-node cluster (`scripts/with-slurm.sh`) and sets
//! `HABILIS_SLURM=1`; without it every test here says it was skipped and
//! passes, so `cargo test` stays usable on a machine without Slurm. With
//! `HABILIS_SLURM_ACCOUNTING=1` the cluster keeps accounting (slurmdbd) and
//! the tests expect CPU time and peak memory; without, they expect none.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use habilis_api::compute::executors::slurm::SlurmExecutor;
use habilis_api::compute::executors::{Executor, Launch, Status};

fn slurm(test: &str) -> Option<SlurmExecutor> {
    if std::env::var("HABILIS_SLURM").as_deref() != Ok("1") {
        eprintln!("{test}: skipped, no Slurm (HABILIS_SLURM is not 1; run `make test-slurm`)");
        return None;
    }
    Some(SlurmExecutor {
        slots: 2,
        partition: None,
        bin_dir: None,
    })
}

/// Whether the cluster keeps accounting (slurmdbd): only then does Slurm
/// know a job's CPU time and peak memory.
fn accounting() -> bool {
    std::env::var("HABILIS_SLURM_ACCOUNTING").as_deref() == Ok("1")
}

fn launch(dir: &Path, name: &str, argv: &[&str], timeout: Duration) -> Launch {
    let workdir = dir.to_path_buf();
    std::fs::create_dir_all(workdir.join("out")).expect("out dir");
    Launch {
        job_id: name.to_owned(),
        argv: argv.iter().map(|s| (*s).to_owned()).collect(),
        log_path: workdir.join("job.log"),
        workdir,
        timeout,
        cpus: 1,
        memory_mb: 64,
        env: vec![("HABILIS_TEST_VAR".into(), "from the launch".into())],
    }
}

/// Polls until the job is over (or `limit` passes).
fn wait_finished(slurm: &SlurmExecutor, handle: &str, limit: Duration) -> Status {
    let started = Instant::now();
    loop {
        let status = slurm.poll(handle).expect("poll");
        if status != Status::Running {
            return status;
        }
        assert!(
            started.elapsed() < limit,
            "job {handle} still running after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn slurm_runs_a_job_with_its_argv_and_environment() {
    let Some(slurm) = slurm("slurm_runs_a_job_with_its_argv_and_environment") else {
        return;
    };
    // arrange: arguments a shell would mangle, passed as they are
    let dir = tempfile::tempdir().expect("tempdir");
    let tricky = [
        "it's",
        "a  b",
        "$HOME",
        "`id`",
        "semi;colon",
        "two\nlines",
        "--partition=x",
    ];
    let script = "printf '%s\\n' \"$@\" > out/args.txt; echo line one; echo line two >&2; \
                  echo \"var=$HABILIS_TEST_VAR\"; echo \"leak=${HABILIS_SLURM:-none}\"; \
                  i=0; while [ $i -lt 300000 ]; do i=$((i + 1)); done";
    let mut argv = vec!["sh", "-c", script, "sh"];
    argv.extend(tricky);
    let l = launch(dir.path(), "ok", &argv, Duration::from_secs(120));
    // act
    let handle = slurm.submit(&l).expect("submit");
    let status = wait_finished(&slurm, &handle, Duration::from_secs(60));
    // assert
    assert!(
        matches!(
            status,
            Status::Finished {
                exit_code: Some(0),
                timed_out: false,
                cancelled: false,
                ..
            }
        ),
        "{status:?}"
    );
    let log = read(&l.log_path);
    assert!(
        log.contains("line one\n") && log.contains("line two\n"),
        "log: {log:?}"
    );
    assert!(log.contains("var=from the launch\n"), "log: {log:?}");
    // The server's own environment stays out of the job.
    assert!(log.contains("leak=none\n"), "log: {log:?}");
    let args = read(&dir.path().join("out/args.txt"));
    assert_eq!(
        args,
        tricky.iter().map(|a| format!("{a}\n")).collect::<String>()
    );
    // The count to 300,000 takes a fraction of a second of CPU.
    let Status::Finished { cpu_secs, .. } = status else {
        unreachable!()
    };
    if accounting() {
        assert!(cpu_secs.is_some_and(|s| s > 0.05), "{status:?}");
    } else {
        assert_eq!(cpu_secs, None, "no accounting, yet {status:?}");
    }
}

#[test]
fn slurm_keeps_a_failing_job_exit_code() {
    let Some(slurm) = slurm("slurm_keeps_a_failing_job_exit_code") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let l = launch(
        dir.path(),
        "fails",
        &["sh", "-c", "echo about to fail >&2; exit 3"],
        Duration::from_secs(120),
    );
    let handle = slurm.submit(&l).expect("submit");
    let status = wait_finished(&slurm, &handle, Duration::from_secs(60));
    assert!(
        matches!(
            status,
            Status::Finished {
                exit_code: Some(3),
                timed_out: false,
                cancelled: false,
                ..
            }
        ),
        "{status:?}"
    );
    assert!(read(&l.log_path).contains("about to fail"));
}

#[test]
fn slurm_cancels_a_running_job_and_its_processes() {
    let Some(slurm) = slurm("slurm_cancels_a_running_job_and_its_processes") else {
        return;
    };
    // arrange: a job that says where it runs, then waits
    let dir = tempfile::tempdir().expect("tempdir");
    let l = launch(
        dir.path(),
        "cancelled",
        &["sh", "-c", "sleep 300 & echo $! > out/pid; wait"],
        Duration::from_secs(600),
    );
    let handle = slurm.submit(&l).expect("submit");
    let pid_file = dir.path().join("out/pid");
    let started = Instant::now();
    while read(&pid_file).trim().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the job never started"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(slurm.poll(&handle).expect("poll"), Status::Running);
    // act
    slurm.cancel(&handle).expect("cancel");
    let status = wait_finished(&slurm, &handle, Duration::from_secs(60));
    // assert: cancelled, and its child process (same machine) is gone
    assert!(
        matches!(
            status,
            Status::Finished {
                cancelled: true,
                timed_out: false,
                exit_code: None,
                ..
            }
        ),
        "{status:?}"
    );
    let proc_dir = Path::new("/proc").join(read(&pid_file).trim());
    let started = Instant::now();
    while proc_dir.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{} survived",
            proc_dir.display()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Cancelling again is harmless.
    slurm.cancel(&handle).expect("second cancel");
}

/// Slurm's time limits are whole minutes and slurmctld looks at them every
/// 30 s: this test takes 60 to 90 s (it runs beside the others).
#[test]
fn slurm_stops_a_job_over_its_time_limit() {
    let Some(slurm) = slurm("slurm_stops_a_job_over_its_time_limit") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let l = launch(
        dir.path(),
        "slow",
        &["sleep", "600"],
        Duration::from_secs(5),
    );
    let handle = slurm.submit(&l).expect("submit");
    let status = wait_finished(&slurm, &handle, Duration::from_secs(150));
    assert!(
        matches!(
            status,
            Status::Finished {
                timed_out: true,
                cancelled: false,
                exit_code: None,
                ..
            }
        ),
        "{status:?}"
    );
    assert!(read(&l.log_path).contains("DUE TO TIME LIMIT"));
}

#[test]
fn slurm_stops_a_job_over_its_memory() {
    let Some(slurm) = slurm("slurm_stops_a_job_over_its_memory") else {
        return;
    };
    // arrange: 64 MB asked, 300 MB used (the test cluster enforces --mem
    // with JobAcctGatherParams=OverMemoryKill; a cgroup cluster would say
    // OUT_OF_MEMORY, which ends the same way)
    let dir = tempfile::tempdir().expect("tempdir");
    let l = launch(
        dir.path(),
        "greedy",
        &[
            "python3",
            "-c",
            "import time; x = bytearray(300_000_000); time.sleep(60)",
        ],
        Duration::from_secs(120),
    );
    // act
    let handle = slurm.submit(&l).expect("submit");
    let status = wait_finished(&slurm, &handle, Duration::from_secs(50));
    // assert: ended by a signal, well before its 60 s
    assert!(
        matches!(
            status,
            Status::Finished {
                exit_code: None,
                timed_out: false,
                cancelled: false,
                ..
            }
        ),
        "{status:?}"
    );
    assert!(
        read(&l.log_path).contains("exceeded memory limit"),
        "{}",
        read(&l.log_path)
    );
    let Status::Finished { max_rss_kb, .. } = status else {
        unreachable!()
    };
    if accounting() {
        assert!(max_rss_kb.is_some_and(|kb| kb > 250_000), "{status:?}");
    } else {
        assert_eq!(max_rss_kb, None, "no accounting, yet {status:?}");
    }
}

#[test]
fn slurm_refuses_what_the_cluster_cannot_run() {
    let Some(slurm) = slurm("slurm_refuses_what_the_cluster_cannot_run") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    // More CPUs than the node has (EnforcePartLimits=ALL in the test cluster).
    let mut l = launch(dir.path(), "huge", &["true"], Duration::from_secs(60));
    l.cpus = 4096;
    let err = slurm.submit(&l).expect_err("4096 CPUs accepted");
    assert!(err.0.starts_with("sbatch: "), "{err}");
    // A program that does not exist fails as a job, with the shell's 127.
    let l = launch(
        dir.path(),
        "missing",
        &["/nonexistent/program"],
        Duration::from_secs(60),
    );
    let handle = slurm.submit(&l).expect("submit");
    let status = wait_finished(&slurm, &handle, Duration::from_secs(60));
    assert!(
        matches!(
            status,
            Status::Finished {
                exit_code: Some(127),
                ..
            }
        ),
        "{status:?}"
    );
}

/// Once slurmctld has forgotten a finished job (MinJobAge, 2 s in the test
/// cluster), only the accounting database knows how it ended.
#[test]
fn slurm_job_forgotten_by_the_controller() {
    let Some(slurm) = slurm("slurm_job_forgotten_by_the_controller") else {
        return;
    };
    // arrange: a job that ends at once
    let dir = tempfile::tempdir().expect("tempdir");
    let l = launch(
        dir.path(),
        "forgotten",
        &["sh", "-c", "exit 4"],
        Duration::from_secs(60),
    );
    let handle = slurm.submit(&l).expect("submit");
    wait_finished(&slurm, &handle, Duration::from_secs(60));
    let started = Instant::now();
    while Command::new("scontrol")
        .args(["show", "job", &handle])
        .output()
        .expect("scontrol")
        .status
        .success()
    {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "job {handle} never forgotten"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // act
    let status = slurm.poll(&handle).expect("poll");
    // assert
    if accounting() {
        assert!(
            matches!(
                status,
                Status::Finished {
                    exit_code: Some(4),
                    cpu_secs: Some(_),
                    ..
                }
            ),
            "{status:?}"
        );
    } else {
        assert!(matches!(status, Status::Lost(_)), "{status:?}");
    }
}

#[test]
fn slurm_unknown_and_malformed_handles() {
    let Some(slurm) = slurm("slurm_unknown_and_malformed_handles") else {
        return;
    };
    assert!(matches!(slurm.poll("987654"), Ok(Status::Lost(_))));
    assert!(slurm.poll("1; scancel 1").is_err());
    assert!(slurm.cancel("-u root").is_err());
    assert_eq!(slurm.kind(), "slurm");
}

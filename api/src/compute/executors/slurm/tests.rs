//! The Slurm executor's parsers, on outputs captured from Slurm 22.05.8
//! (Debian bookworm) under `scripts/with-slurm.sh`; the executor itself runs
//! against that real Slurm in `api/tests/slurm.rs`.

use super::*;

const COMPLETED: &str = include_str!("../../../../tests/fixtures/slurm/scontrol-completed.txt");
const FAILED: &str = include_str!("../../../../tests/fixtures/slurm/scontrol-failed.txt");
const CANCELLED: &str = include_str!("../../../../tests/fixtures/slurm/scontrol-cancelled.txt");
const TIMEOUT: &str = include_str!("../../../../tests/fixtures/slurm/scontrol-timeout.txt");
const RUNNING: &str = include_str!("../../../../tests/fixtures/slurm/scontrol-running.txt");
const PARSABLE: &str = include_str!("../../../../tests/fixtures/slurm/sbatch-parsable.txt");
const UNKNOWN: &str = include_str!("../../../../tests/fixtures/slurm/scontrol-unknown.txt");
const SACCT_COMPLETED: &str = include_str!("../../../../tests/fixtures/slurm/sacct-completed.txt");
const SACCT_FAILED: &str = include_str!("../../../../tests/fixtures/slurm/sacct-failed.txt");
const SACCT_CANCELLED: &str = include_str!("../../../../tests/fixtures/slurm/sacct-cancelled.txt");
const SACCT_MEMORY: &str = include_str!("../../../../tests/fixtures/slurm/sacct-memory.txt");
const SACCT_TIMEOUT: &str = include_str!("../../../../tests/fixtures/slurm/sacct-timeout.txt");
const SACCT_DISABLED: &str = include_str!("../../../../tests/fixtures/slurm/sacct-disabled.txt");

fn launch() -> Launch {
    Launch {
        job_id: "0193a5c2-7f00-7000-8000-000000000001".into(),
        argv: vec!["python3".into(), "-c".into(), "print('a b')".into()],
        workdir: PathBuf::from("/data/jobs/j 1"),
        log_path: PathBuf::from("/data/jobs/j 1/job.log"),
        timeout: Duration::from_secs(3600),
        cpus: 2,
        memory_mb: 512,
        env: vec![],
    }
}

#[test]
fn the_argv_follows_the_wrapper_untouched() {
    // arrange
    let mut l = launch();
    l.argv = vec![
        "sh".into(),
        "-c".into(),
        "echo \"$1\"".into(),
        "it's `id` $HOME\nnext; rm -rf /".into(),
        "--partition=other".into(),
    ];
    let wrapper = l.workdir.join(WRAPPER_NAME);
    // act
    let args = sbatch_args(&l, None, &wrapper);
    // assert: every option precedes the wrapper; after it, the argv verbatim
    let at = args
        .iter()
        .position(|a| a == wrapper.as_os_str())
        .expect("the wrapper is passed");
    assert!(args[..at]
        .iter()
        .all(|a| a.to_string_lossy().starts_with("--")));
    let tail: Vec<OsString> = l.argv.iter().map(OsString::from).collect();
    assert_eq!(args[at + 1..], tail[..]);
}

#[test]
fn sbatch_options_carry_the_launch() {
    let args = sbatch_args(&launch(), Some("long"), Path::new("/w/.habilis-slurm.sh"));
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    for expected in [
        "--parsable",
        "--job-name=habilis-0193a5c2-7f00-7000-8000-000000000001",
        "--chdir=/data/jobs/j 1",
        "--output=/data/jobs/j 1/job.log",
        "--error=/data/jobs/j 1/job.log",
        "--time=60",
        "--cpus-per-task=2",
        "--mem=512M",
        "--partition=long",
        "--export=ALL",
        "--no-requeue",
    ] {
        assert!(
            args.iter().any(|a| a == expected),
            "{expected} missing from {args:?}"
        );
    }
}

#[test]
fn zero_memory_is_not_all_the_node() {
    let mut l = launch();
    l.memory_mb = 0;
    l.cpus = 0;
    let args = sbatch_args(&l, None, Path::new("/w/s"));
    assert!(!args
        .iter()
        .any(|a| a.to_string_lossy().starts_with("--mem")));
    assert!(!args
        .iter()
        .any(|a| a.to_string_lossy().starts_with("--cpus-per-task")));
    assert!(!args
        .iter()
        .any(|a| a.to_string_lossy().starts_with("--partition")));
}

#[test]
fn time_limits_round_up_to_whole_minutes() {
    assert_eq!(time_minutes(Duration::from_secs(0)), 1);
    assert_eq!(time_minutes(Duration::from_secs(5)), 1);
    assert_eq!(time_minutes(Duration::from_secs(60)), 1);
    assert_eq!(time_minutes(Duration::from_secs(61)), 2);
    assert_eq!(time_minutes(Duration::from_secs(86_400)), 1440);
}

#[test]
fn the_wrapper_only_execs_its_arguments() {
    assert!(WRAPPER.starts_with("#!/bin/sh\n"));
    assert!(WRAPPER.ends_with("exec \"$@\"\n"));
}

#[test]
fn sbatch_parsable_gives_the_id() {
    assert_eq!(parse_sbatch(PARSABLE), Ok("6".to_owned()));
    assert_eq!(parse_sbatch("1234;habilis\n"), Ok("1234".to_owned()));
    assert!(parse_sbatch("").is_err());
    assert!(parse_sbatch("sbatch: error: oops\n").is_err());
}

#[test]
fn handles_are_plain_job_ids() {
    assert!(job_id("42").is_ok());
    for bad in ["", "-j", "42 43", "42;rm", "4_2", "１２"] {
        assert!(job_id(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn scontrol_completed() {
    let job = parse_scontrol_job(COMPLETED, "1").expect("parsed");
    assert_eq!(job.state, JobState("COMPLETED".into()));
    assert_eq!(job.exit, Some(ExitCode { code: 0, signal: 0 }));
    assert_eq!(job.state.outcome(), Some(Outcome::Ended));
    // Its command holds a newline, quotes and `=`: nothing after Command= is read.
    assert!(COMPLETED.contains("Command=") && COMPLETED.lines().count() > 1);
}

#[test]
fn scontrol_failed_keeps_the_exit_code() {
    let job = parse_scontrol_job(FAILED, "2").expect("parsed");
    assert_eq!(job.state.outcome(), Some(Outcome::Ended));
    assert_eq!(job.exit.and_then(ExitCode::exit_code), Some(3));
}

#[test]
fn scontrol_cancelled_has_a_signal_not_a_code() {
    let job = parse_scontrol_job(CANCELLED, "4").expect("parsed");
    assert_eq!(job.state.outcome(), Some(Outcome::Cancelled));
    assert_eq!(
        job.exit,
        Some(ExitCode {
            code: 0,
            signal: 15
        })
    );
    assert_eq!(job.exit.and_then(ExitCode::exit_code), None);
}

#[test]
fn scontrol_timeout() {
    let job = parse_scontrol_job(TIMEOUT, "5").expect("parsed");
    assert_eq!(job.state, JobState("TIMEOUT".into()));
    assert_eq!(job.state.outcome(), Some(Outcome::TimedOut));
}

#[test]
fn scontrol_running_is_not_over() {
    let job = parse_scontrol_job(RUNNING, "6").expect("parsed");
    assert_eq!(job.state.outcome(), None);
}

#[test]
fn scontrol_about_another_job_is_refused() {
    assert!(parse_scontrol_job(COMPLETED, "2").is_err());
    assert!(parse_scontrol_job("", "2").is_err());
}

#[test]
fn a_user_command_cannot_fake_the_state() {
    // A command line that prints a state of its own: only the fields
    // before Command= count.
    let line = "JobId=9 JobName=habilis-x JobState=RUNNING Reason=None ExitCode=0:0 \
                Command=/w/.habilis-slurm.sh echo JobState=COMPLETED ExitCode=0:0 WorkDir=/w";
    let job = parse_scontrol_job(line, "9").expect("parsed");
    assert_eq!(job.state.outcome(), None);
}

#[test]
fn scontrol_about_a_forgotten_job() {
    // What `poll` looks for before asking the accounting database.
    assert!(UNKNOWN.contains("Invalid job id"));
    assert!(parse_scontrol_job(UNKNOWN, "99").is_err());
}

#[test]
fn states_and_outcomes() {
    for (state, outcome) in [
        ("PENDING", None),
        ("CONFIGURING", None),
        ("RUNNING", None),
        ("COMPLETING", None),
        ("SUSPENDED", None),
        ("REQUEUED", None),
        ("COMPLETED", Some(Outcome::Ended)),
        ("FAILED", Some(Outcome::Ended)),
        ("OUT_OF_MEMORY", Some(Outcome::Ended)),
        ("NODE_FAIL", Some(Outcome::Ended)),
        ("BOOT_FAIL", Some(Outcome::Ended)),
        ("PREEMPTED", Some(Outcome::Ended)),
        ("TIMEOUT", Some(Outcome::TimedOut)),
        ("DEADLINE", Some(Outcome::TimedOut)),
        ("CANCELLED", Some(Outcome::Cancelled)),
        ("CANCELLED by 0", Some(Outcome::Cancelled)),
    ] {
        assert_eq!(JobState(state.into()).outcome(), outcome, "{state}");
    }
}

#[test]
fn sacct_without_slurmdbd_says_so() {
    // What `run` looks for to know that the cluster keeps no accounting.
    assert!(SACCT_DISABLED.contains("accounting storage is disabled"));
}

#[test]
fn sacct_completed_gives_cpu_and_memory() {
    // 3 s of CPU over 80 MB touched (python3), from slurmdbd.
    let acct = parse_sacct(SACCT_COMPLETED, "1").expect("the job's line");
    assert_eq!(acct.state.outcome(), Some(Outcome::Ended));
    assert_eq!(acct.exit, Some(ExitCode { code: 0, signal: 0 }));
    assert_eq!(acct.cpu_secs, Some(3.125));
    assert_eq!(acct.max_rss_kb, Some(91_440));
    assert_eq!(parse_sacct(SACCT_COMPLETED, "2"), None);
}

#[test]
fn sacct_failed_keeps_the_exit_code() {
    let acct = parse_sacct(SACCT_FAILED, "2").expect("the job's line");
    let status = finished(acct.state.outcome().expect("over"), acct.exit, Some(&acct));
    assert!(matches!(
        status,
        Status::Finished {
            exit_code: Some(3),
            max_rss_kb: None,
            ..
        }
    ));
}

#[test]
fn sacct_cancelled_has_no_exit_code() {
    // sacct writes "CANCELLED by 0" and 0:0 for a cancelled job.
    let acct = parse_sacct(SACCT_CANCELLED, "3").expect("the job's line");
    let status = finished(acct.state.outcome().expect("over"), acct.exit, Some(&acct));
    assert_eq!(
        status,
        Status::Finished {
            exit_code: None,
            cpu_secs: Some(0.0),
            max_rss_kb: None,
            timed_out: false,
            cancelled: true
        }
    );
}

#[test]
fn sacct_over_memory() {
    // Killed by OverMemoryKill: the job FAILED with signal 9, its step
    // "CANCELLED by 0" at 300 MB.
    let acct = parse_sacct(SACCT_MEMORY, "4").expect("the job's line");
    let status = finished(acct.state.outcome().expect("over"), acct.exit, Some(&acct));
    assert!(matches!(
        status,
        Status::Finished {
            exit_code: None,
            timed_out: false,
            cancelled: false,
            max_rss_kb: Some(306_420),
            ..
        }
    ));
}

#[test]
fn sacct_timeout() {
    let acct = parse_sacct(SACCT_TIMEOUT, "5").expect("the job's line");
    assert_eq!(acct.state.outcome(), Some(Outcome::TimedOut));
}

#[test]
fn sacct_steps_take_the_largest_memory() {
    let out = "12|COMPLETED|0:0|01:02.500|\n12.batch|COMPLETED|0:0|00:01.500|2048K\n12.0|COMPLETED|0:0|01:01.000|3M\n";
    let acct = parse_sacct(out, "12").expect("the job's line");
    assert_eq!(acct.cpu_secs, Some(62.5));
    assert_eq!(acct.max_rss_kb, Some(3072));
}

#[test]
fn slurm_durations() {
    assert_eq!(parse_duration_secs("00:02.345"), Some(2.345));
    assert_eq!(parse_duration_secs("01:02:03"), Some(3723.0));
    assert_eq!(parse_duration_secs("1-02:03:04"), Some(93_784.0));
    assert_eq!(parse_duration_secs(""), None);
    assert_eq!(parse_duration_secs("soon"), None);
    assert_eq!(parse_duration_secs("12"), None);
}

#[test]
fn slurm_sizes() {
    assert_eq!(parse_size_kb("2048K"), Some(2048));
    assert_eq!(parse_size_kb("1.5M"), Some(1536));
    assert_eq!(parse_size_kb("2G"), Some(2_097_152));
    assert_eq!(parse_size_kb("0"), Some(0));
    assert_eq!(parse_size_kb(""), None);
    assert_eq!(parse_size_kb("lots"), None);
}

#[test]
fn a_finished_status_from_the_pieces() {
    let status = finished(Outcome::TimedOut, ExitCode::parse("0:15"), None);
    assert_eq!(
        status,
        Status::Finished {
            exit_code: None,
            cpu_secs: None,
            max_rss_kb: None,
            timed_out: true,
            cancelled: false
        }
    );
}

#[test]
fn a_hung_tool_is_stopped() {
    let mut cmd = Command::new("sleep");
    cmd.arg("10").stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let err = run_with_timeout(cmd, "sleep", Duration::from_millis(200)).err();
    assert!(err.is_some_and(|e| e.0.contains("did not answer")));
    assert!(started.elapsed() < Duration::from_secs(5));
}

//! The local spawner with real processes: PostgreSQL and JupyterLab as
//! `make tools-services` installs them. Without the tools these tests say
//! why and pass, unless `HABILIS_SERVICES_REQUIRED` is set (the Makefile
//! sets it, after installing them): then a missing tool fails the run.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::*;
use crate::spawners::Spawners;

/// The spawner as configured by this environment's spawner settings
/// (where the tools are), with the given grace.
fn spawner(grace_secs: u64) -> LocalSpawner {
    let config = Config::load_from(|k| {
        matches!(
            k,
            "HABILIS_INSTANCE_USER" | "HABILIS_JUPYTERLAB_VENV" | "HABILIS_PG_BINDIR"
        )
        .then(|| std::env::var(k).ok())
        .flatten()
    })
    .expect("spawner settings");
    let config = Config {
        instance_stop_grace_secs: grace_secs,
        ..config
    };
    LocalSpawner::from_config(&config).expect("local spawner")
}

/// The spawner if it runs `recipe` here; else why not (skip or fail).
fn spawner_for(recipe: &str) -> Option<LocalSpawner> {
    let s = spawner(10);
    match s.check(recipe) {
        Ok(()) => Some(s),
        Err(why) if std::env::var_os("HABILIS_SERVICES_REQUIRED").is_some() => {
            panic!("{recipe} cannot run here and HABILIS_SERVICES_REQUIRED is set: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: {recipe} cannot run here ({why}); run `make tools-services`");
            None
        }
    }
}

/// A data directory the instance account can pass through (as root).
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("habilis-spawn-")
        .tempdir()
        .expect("tempdir");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o711)).expect("chmod");
    dir
}

/// Stops the instance even when an assertion fails half-way.
struct Running<'a> {
    spawner: &'a LocalSpawner,
    handle: Value,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let _ = self.spawner.stop(&self.handle);
    }
}

fn wait_running(s: &LocalSpawner, handle: &Value, within: Duration) {
    let until = Instant::now() + within;
    loop {
        match s.health(handle) {
            Health::Running => return,
            Health::Starting if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(200))
            }
            other => panic!(
                "not running: {other:?}\n{}",
                s.logs(handle, 4000).unwrap_or_default()
            ),
        }
    }
}

fn pgid(handle: &Value) -> i32 {
    handle["pgid"].as_i64().expect("pgid") as i32
}

fn psql(launched: &Launched, password: &str, sql: &str) -> std::process::Output {
    let c = &launched.connection;
    Command::new(detect_pg_bindir().expect("bindir").join("psql"))
        .args(["-X", "-A", "-t", "-h", "127.0.0.1", "-c", sql])
        .arg("-p")
        .arg(c["port"].to_string())
        .arg("-U")
        .arg(c["user"].as_str().expect("user"))
        .arg("-d")
        .arg(c["database"].as_str().expect("database"))
        .env("PGPASSWORD", password)
        .env("PGCONNECT_TIMEOUT", "5")
        .stdin(Stdio::null())
        .output()
        .expect("run psql")
}

fn stdout(o: &std::process::Output) -> String {
    assert!(
        o.status.success(),
        "psql failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

#[test]
fn postgresql_runs_answers_with_its_password_reports_activity_and_stops_whole() {
    let Some(s) = spawner_for("postgresql") else {
        return;
    };
    let data = data_dir();
    let workdir = data.path().join("instances").join("pg1");
    let config = json!({});
    let spec = LaunchSpec {
        instance_id: "pg1",
        recipe: "postgresql",
        config: &config,
        workdir: workdir.clone(),
    };

    let launched = s.start(&spec).expect("start");
    let run = Running {
        spawner: &s,
        handle: launched.handle.clone(),
    };
    assert!(s.alive(&run.handle));
    wait_running(&s, &run.handle, Duration::from_secs(90));

    let password = launched.secrets["password"].as_str().expect("password");
    assert_eq!(password.len(), 24);
    assert_eq!(launched.connection["host"], "127.0.0.1");
    assert!(launched
        .open_url
        .starts_with("postgresql://researcher@127.0.0.1:"));
    assert!(launched.connection["psql"]
        .as_str()
        .expect("psql")
        .contains("dbname=research"));

    // The generated password over TCP; the owner is not a superuser.
    let who = psql(
        &launched,
        password,
        "SELECT current_user || ',' || rolsuper FROM pg_roles WHERE rolname = current_user",
    );
    assert_eq!(stdout(&who), "researcher,false");
    let wrong = psql(&launched, "not-the-password", "SELECT 1");
    assert!(!wrong.status.success(), "a wrong password is refused");

    // Last activity: the start, then later once somebody used it.
    let first = s
        .last_activity(&run.handle)
        .expect("activity")
        .expect("some time");
    std::thread::sleep(Duration::from_millis(1100));
    stdout(&psql(
        &launched,
        password,
        "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)",
    ));
    let until = Instant::now() + Duration::from_secs(15);
    let later = loop {
        let t = s
            .last_activity(&run.handle)
            .expect("activity")
            .expect("some time");
        if t > first || Instant::now() > until {
            break t;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(later > first, "last activity moved: {first} → {later}");
    // Polling alone is not activity (once the sessions above have ended).
    std::thread::sleep(Duration::from_millis(1500));
    let settled = s.last_activity(&run.handle).expect("activity");
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        s.last_activity(&run.handle).expect("activity"),
        settled,
        "a poll does not count as use"
    );

    // Stop: the whole group ends, nothing left.
    let group = pgid(&run.handle);
    assert!(process::group_exists(group));
    s.stop(&run.handle).expect("stop");
    assert!(
        !process::group_exists(group),
        "no process left in the group"
    );
    assert!(!s.alive(&run.handle));
    assert_eq!(s.health(&run.handle), Health::Stopped);
    let logs = s.logs(&run.handle, 64 * 1024).expect("logs");
    assert!(logs.contains("habilis: starting PostgreSQL"), "{logs}");
    assert!(!logs.contains(password), "the password is not in the log");
    assert!(s.logs(&run.handle, 10).expect("logs").len() <= 10);
    drop(run);

    // Started again on the same directory: the data is kept, new password.
    let again = s.start(&spec).expect("start again");
    let run = Running {
        spawner: &s,
        handle: again.handle.clone(),
    };
    wait_running(&s, &run.handle, Duration::from_secs(60));
    let new_password = again.secrets["password"].as_str().expect("password");
    assert_ne!(new_password, password);
    assert_eq!(
        stdout(&psql(&again, new_password, "SELECT n FROM kept")),
        "42"
    );
    assert!(!psql(&again, password, "SELECT 1").status.success());
    // Removed for good: stopped and its directory gone.
    s.remove(&run.handle).expect("remove");
    assert!(!process::group_exists(pgid(&run.handle)));
    assert!(!workdir.exists());
    s.remove(&run.handle).expect("removing twice is fine");
}

#[test]
fn postgresql_refuses_a_bad_name_before_starting_anything() {
    let Some(s) = spawner_for("postgresql") else {
        return;
    };
    let data = data_dir();
    let config = json!({ "database": "x; DROP TABLE y" });
    let spec = LaunchSpec {
        instance_id: "pg2",
        recipe: "postgresql",
        config: &config,
        workdir: data.path().join("instances/pg2"),
    };
    assert!(matches!(s.start(&spec), Err(SpawnError::BadConfig(_))));
    assert!(
        !data.path().join("instances/pg2").exists(),
        "no process, no directory"
    );
}

#[test]
fn jupyterlab_answers_with_its_token_only_and_stops() {
    let Some(s) = spawner_for("jupyterlab") else {
        return;
    };
    let data = data_dir();
    let config = json!({});
    let spec = LaunchSpec {
        instance_id: "jl1",
        recipe: "jupyterlab",
        config: &config,
        workdir: data.path().join("instances").join("jl1"),
    };
    let launched = s.start(&spec).expect("start");
    let run = Running {
        spawner: &s,
        handle: launched.handle.clone(),
    };
    wait_running(&s, &run.handle, Duration::from_secs(120));

    let token = launched.secrets["token"].as_str().expect("token");
    let port = launched.connection["port"].as_u64().expect("port") as u16;
    assert_eq!(
        launched.open_url,
        format!("http://127.0.0.1:{port}/lab?token={token}")
    );
    let t = Duration::from_secs(10);
    let with = http::get(port, "/api/status", Some(token), t).expect("status");
    assert_eq!(with.status, 200, "{}", with.body);
    let without = http::get(port, "/api/status", None, t).expect("status");
    assert_eq!(without.status, 403);
    let wrong = http::get(port, "/api/status", Some("wrong"), t).expect("status");
    assert_eq!(wrong.status, 403);
    let lab = http::get(port, "/lab", None, t).expect("lab");
    assert!(
        lab.status == 302 && lab.header("location").is_some_and(|l| l.contains("login")),
        "/lab without the token sends to the login page: {} {:?}",
        lab.status,
        lab.header("location")
    );
    let lab = http::get(port, &format!("/lab?token={token}"), None, t).expect("lab");
    assert!(
        lab.status == 200
            || (lab.status == 302 && lab.header("location").is_some_and(|l| !l.contains("login"))),
        "/lab with the token opens: {} {:?}",
        lab.status,
        lab.header("location")
    );
    assert!(s.last_activity(&run.handle).expect("activity").is_some());
    // Not root, even when the server is.
    let uid = fs::metadata(format!("/proc/{}", pgid(&run.handle)))
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .expect("proc");
    if rustix::process::geteuid().is_root() {
        assert_ne!(uid, 0, "JupyterLab never runs as root");
    }

    let group = pgid(&run.handle);
    s.stop(&run.handle).expect("stop");
    assert!(!process::group_exists(group));
    assert!(!s.alive(&run.handle));
    assert_eq!(s.health(&run.handle), Health::Stopped);
    assert!(http::get(port, "/api/status", Some(token), t).is_err());
    assert!(s
        .logs(&run.handle, 100_000)
        .expect("logs")
        .contains("ServerApp"));
}

#[test]
fn a_process_that_ignores_sigterm_is_killed_after_the_grace() {
    let s = spawner(1);
    let data = data_dir();
    let workdir = data.path().join("instances").join("stubborn");
    s.prepare(&workdir).expect("workdir");
    let mut cmd = Command::new("/bin/sh");
    // The shell and its child both ignore SIGTERM (an ignored signal stays
    // ignored across exec).
    cmd.args([
        "-c",
        "trap '' TERM; echo stubborn here; sleep 600 & wait; sleep 600",
    ]);
    let started = process::spawn(cmd, s.run_as.as_ref(), &log_path(&workdir), &[]).expect("spawn");
    let spec = LaunchSpec {
        instance_id: "stubborn",
        recipe: "postgresql",
        config: &Value::Null,
        workdir: workdir.clone(),
    };
    let handle = s.handle_for("postgresql", &spec, 1, started);
    let group = pgid(&handle);
    let until = Instant::now() + Duration::from_secs(5);
    while !s
        .logs(&handle, 1000)
        .expect("logs")
        .contains("stubborn here")
    {
        assert!(Instant::now() < until, "output captured in the log");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(s.alive(&handle));
    // A clean environment: nothing of the server's own reaches it.
    let environ = fs::read(format!("/proc/{group}/environ")).expect("environ");
    let environ = String::from_utf8_lossy(&environ);
    assert!(environ.contains("LANG=C.UTF-8"), "{environ}");
    for (k, _) in std::env::vars() {
        if !matches!(k.as_str(), "PATH" | "LANG" | "USER" | "HOME") {
            assert!(!environ.contains(&format!("{k}=")), "{k} leaked");
        }
    }
    // The handle alone is enough: a spawner built afresh (a restarted
    // server) sees the same process.
    assert!(spawner(1).alive(&handle));

    let t0 = Instant::now();
    s.stop(&handle).expect("stop");
    let took = t0.elapsed();
    assert!(took >= Duration::from_secs(1), "waited the grace: {took:?}");
    assert!(took < Duration::from_secs(8), "then killed: {took:?}");
    assert!(!process::group_exists(group), "sleep included");
    assert!(!s.alive(&handle));
    assert_eq!(s.health(&handle), Health::Stopped);
    // Stopping again is fine.
    s.stop(&handle).expect("stop again");
}

#[test]
fn an_ended_process_is_failed_with_its_last_words_and_a_reused_pid_is_not_alive() {
    let s = spawner(1);
    let data = data_dir();
    let workdir = data.path().join("instances").join("short");
    s.prepare(&workdir).expect("workdir");
    let mut cmd = Command::new("/bin/sh");
    cmd.args(["-c", "echo 'FATAL: something broke'; exit 3"]);
    let started = process::spawn(cmd, s.run_as.as_ref(), &log_path(&workdir), &[]).expect("spawn");
    let spec = LaunchSpec {
        instance_id: "short",
        recipe: "postgresql",
        config: &Value::Null,
        workdir,
    };
    let handle = s.handle_for("postgresql", &spec, 1, started);
    let until = Instant::now() + Duration::from_secs(5);
    while s.alive(&handle) {
        assert!(Instant::now() < until, "the process ends");
        std::thread::sleep(Duration::from_millis(20));
    }
    match s.health(&handle) {
        Health::Failed(why) => assert!(why.contains("something broke"), "{why}"),
        other => panic!("{other:?}"),
    }

    // This very process, recorded with another start time: not alive.
    let mut h: Handle = serde_json::from_value(handle.clone()).expect("handle");
    h.pid = i32::try_from(std::process::id()).expect("pid");
    h.pgid = h.pid;
    h.proc_start += 1;
    let reused = serde_json::to_value(&h).expect("json");
    assert!(!s.alive(&reused));
    // And stop does not signal it (this test would die).
    s.stop(&reused).expect("stop");

    assert!(matches!(
        s.last_activity(&json!({"nope": 1})),
        Err(SpawnError::BadHandle(_))
    ));
    assert!(!s.alive(&json!("garbage")));
}

#[test]
fn an_instance_account_that_is_root_is_refused() {
    if !rustix::process::geteuid().is_root() {
        return; // the account only matters when the server is root
    }
    let config = Config {
        instance_user: Some("root".into()),
        ..Config::default()
    };
    assert!(LocalSpawner::from_config(&config).is_err());
    let config = Config {
        instance_user: Some("no-such-account-here".into()),
        ..Config::default()
    };
    assert!(LocalSpawner::from_config(&config).is_err());
}

#[test]
fn instance_workdirs_are_plain_components_of_the_data_directory() {
    let config = Config::default();
    assert_eq!(
        crate::spawners::instance_workdir(&config, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        Some(
            config
                .data_path("instances")
                .join("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
        )
    );
    for bad in ["", "..", "a/b", "../x", "a b"] {
        assert_eq!(
            crate::spawners::instance_workdir(&config, bad),
            None,
            "{bad:?}"
        );
    }
}

#[test]
fn registry_knows_local_only() {
    let config = Config::default();
    let all = Spawners::from_config(&config).expect("local");
    assert!(all.get("local").is_some());
    assert!(all.get("kubernetes").is_none());
    assert!(!all.runs("kubernetes", Some("rstudio")));
    assert!(!all.runs("local", Some("rstudio")));
    for kinds in [vec!["kubernetes".to_owned()], vec!["ftp".to_owned()]] {
        let config = Config {
            spawners: kinds,
            ..Config::default()
        };
        assert!(Spawners::from_config(&config).is_err());
    }
    let none = Spawners::from_config(&Config {
        spawners: vec![],
        ..Config::default()
    })
    .expect("none");
    assert!(none.get("local").is_none());
}

#[test]
fn jupyterlab_version_is_the_makefiles() {
    let makefile = include_str!("../../../../Makefile");
    assert!(
        makefile.contains(&format!("JUPYTERLAB_VERSION := {JUPYTERLAB_VERSION}\n")),
        "the Makefile installs JupyterLab {JUPYTERLAB_VERSION}"
    );
}

#[test]
fn fake_spawner_is_not_configurable_but_injectable() {
    let fake = std::sync::Arc::new(crate::spawners::fake::FakeSpawner::new("local"));
    let all = Spawners::from_parts([fake.clone() as std::sync::Arc<dyn Spawner>]);
    let s = all.get("local").expect("fake");
    let cfg = json!({});
    let l = s
        .start(&LaunchSpec {
            instance_id: "i1",
            recipe: "postgresql",
            config: &cfg,
            workdir: "/nonexistent".into(),
        })
        .expect("start");
    assert_eq!(s.health(&l.handle), Health::Running);
    let t = Utc::now();
    fake.set_activity("i1", Some(t));
    assert_eq!(s.last_activity(&l.handle).expect("activity"), Some(t));
    s.stop(&l.handle).expect("stop");
    assert!(!s.alive(&l.handle));
}

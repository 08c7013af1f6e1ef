//! Recipe `postgresql`: a private cluster per instance, from Debian's
//! server binaries (`HABILIS_PG_BINDIR`, default the newest
//! `/usr/lib/postgresql/*/bin`).
//!
//! One shell script, the group leader, does the whole start so that
//! [`Spawner::start`](crate::spawners::Spawner::start) returns at once:
//! the first time, `initdb` (superuser `habilis_admin`, its random
//! password through `--pwfile`, scram-sha-256 for every connection) and a
//! single-user `postgres --single` run that creates the owner's role
//! (LOGIN CREATEDB, *not* superuser: a superuser could run programs as the
//! instance account) and database; on a later start of the same workdir,
//! the same single-user run gives both roles new passwords, data kept.
//! Then it `exec`s the postmaster (pid = group leader, in the foreground:
//! `pg_ctl` would move it into a session of its own), listening on
//! 127.0.0.1:<free port> only, its unix socket in `<workdir>/run` (0700).
//!
//! Health: `pg_isready` against the port (a real startup exchange).
//! Last activity: `psql` as `habilis_admin` over TCP to `template1` (which
//! the owner has no reason to use) reads (a) the client sessions open now
//! (`pg_stat_activity`: now while a query runs, else when the session last
//! changed state) and (b) `pg_stat_database.sessions` summed over the
//! other databases: a number that grows with every connection of anyone
//! but us, kept with the time it was first seen in
//! `.habilis/activity.json`, so that a connection that came and went
//! between two polls still counts (at the poll's time). Before any use,
//! the start time.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{process, Handle, LocalSpawner};
use crate::spawners::{LaunchSpec, Launched, SpawnError};

const ADMIN: &str = "habilis_admin";
const DEFAULT_USER: &str = "researcher";
const DEFAULT_DATABASE: &str = "research";
/// A unix socket path must fit in `sun_path` (108 bytes with its NUL).
const SOCKET_PATH_MAX: usize = 100;

fn bindir(s: &LocalSpawner) -> Result<&Path, String> {
    s.pg_bindir.as_deref().ok_or_else(|| {
        "no PostgreSQL server binaries (install Debian's postgresql: make tools-services, or set \
         HABILIS_PG_BINDIR)"
            .to_owned()
    })
}

pub(super) fn check(s: &LocalSpawner) -> Result<(), String> {
    let bin = bindir(s)?;
    for tool in ["initdb", "postgres", "pg_isready", "psql"] {
        if !bin.join(tool).is_file() {
            return Err(format!("{} is missing", bin.join(tool).display()));
        }
    }
    Ok(())
}

/// A role or database name from the config: a plain lower-case SQL
/// identifier, so it never needs quoting rules beyond double quotes.
fn ident(config: &Value, key: &str, default: &str) -> Result<String, SpawnError> {
    let v = match config.get(key) {
        None | Some(Value::Null) => return Ok(default.to_owned()),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(SpawnError::BadConfig(format!(
                "{key}: not a string: {other}"
            )))
        }
    };
    let ok = (1..=63).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !v.starts_with("pg_")
        && v != ADMIN
        && !matches!(
            v.as_str(),
            "postgres" | "template0" | "template1" | "public"
        );
    if ok {
        Ok(v)
    } else {
        Err(SpawnError::BadConfig(format!(
            "{key}: {v:?} is not a plain lower-case name (a-z, 0-9, _; at most 63; not reserved)"
        )))
    }
}

fn max_connections(config: &Value) -> Result<Option<u64>, SpawnError> {
    match config.get("max_connections") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if (5..=1000).contains(&n) => Ok(Some(n)),
            _ => Err(SpawnError::BadConfig(format!(
                "max_connections: {v} is not a whole number from 5 to 1000"
            ))),
        },
    }
}

const SCRIPT: &str = r#"set -eu
bin=$1 data=$2 init=$3 port=$4 sock=$5 maxconn=$6
if [ ! -s "$data/PG_VERSION" ]; then
  "$bin/initdb" -D "$data" -U habilis_admin --pwfile="$init/admin.pw" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-locale --no-sync
  "$bin/postgres" --single -D "$data" template1 < "$init/create.sql"
else
  "$bin/postgres" --single -D "$data" template1 < "$init/reset.sql"
fi
rm -f "$init/admin.pw" "$init/create.sql" "$init/reset.sql"
echo "habilis: starting PostgreSQL on 127.0.0.1:$port"
exec "$bin/postgres" -D "$data" -p "$port" -c listen_addresses=127.0.0.1 \
  -c "unix_socket_directories=$sock" -c unix_socket_permissions=0700 \
  -c "max_connections=$maxconn"
"#;

pub(super) fn start(s: &LocalSpawner, spec: &LaunchSpec) -> Result<Launched, SpawnError> {
    let bin = bindir(s)
        .map_err(|why| SpawnError::Unavailable("postgresql".into(), why))?
        .to_path_buf();
    let user = ident(spec.config, "username", DEFAULT_USER)?;
    let database = ident(spec.config, "database", DEFAULT_DATABASE)?;
    let maxconn = max_connections(spec.config)?.unwrap_or(100);
    let owner = s.run_as.as_ref();
    let wd = &spec.workdir;
    s.prepare(wd)?;

    let admin_password = process::random_text(40);
    let password = process::random_text(24);
    process::write_private(&wd.join(".habilis/secret"), &admin_password, None)?;
    let _ = fs::remove_file(wd.join(".habilis/activity.json"));

    let data = wd.join("pgdata");
    let run = wd.join("run");
    let init = wd.join("init");
    let _ = fs::remove_dir_all(&init);
    process::make_dir(&init, owner, 0o700)?;
    process::make_dir(&run, owner, 0o700)?;
    if !data.exists() {
        process::make_dir(&data, owner, 0o700)?;
    }
    // Only generated text and checked names go into SQL.
    process::write_private(&init.join("admin.pw"), &admin_password, owner)?;
    process::write_private(
        &init.join("create.sql"),
        &format!(
            "CREATE ROLE \"{user}\" LOGIN CREATEDB PASSWORD '{password}'\n\
             CREATE DATABASE \"{database}\" OWNER \"{user}\"\n"
        ),
        owner,
    )?;
    process::write_private(
        &init.join("reset.sql"),
        &format!(
            "ALTER ROLE {ADMIN} PASSWORD '{admin_password}'\n\
             ALTER ROLE \"{user}\" PASSWORD '{password}'\n"
        ),
        owner,
    )?;

    let port = process::free_port()?;
    let socket_dir = if run.join(format!(".s.PGSQL.{port}")).as_os_str().len() <= SOCKET_PATH_MAX {
        run.display().to_string()
    } else {
        String::new() // too long a path for a socket: TCP only
    };
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(SCRIPT)
        .arg("habilis-postgresql")
        .arg(&bin)
        .arg(&data)
        .arg(&init)
        .arg(port.to_string())
        .arg(&socket_dir)
        .arg(maxconn.to_string())
        .current_dir(wd.join("home"));
    let home = wd.join("home").display().to_string();
    let started = process::spawn(cmd, owner, &super::log_path(wd), &[("HOME", home)])?;
    let handle = s.handle_for("postgresql", spec, port, started);

    let url = format!("postgresql://{user}@127.0.0.1:{port}/{database}");
    Ok(Launched {
        handle,
        open_url: url.clone(),
        secrets: json!({ "password": password }),
        connection: json!({
            "host": "127.0.0.1",
            "port": port,
            "user": user,
            "database": database,
            "url": url,
            "psql": format!("psql 'host=127.0.0.1 port={port} user={user} dbname={database}'"),
        }),
    })
}

fn tool(s: &LocalSpawner, name: &str) -> PathBuf {
    s.pg_bindir.clone().unwrap_or_default().join(name)
}

/// `pg_isready`: the postmaster answers a startup packet on the port.
pub(super) fn answers(s: &LocalSpawner, h: &Handle) -> bool {
    Command::new(tool(s, "pg_isready"))
        .args(["-q", "-h", "127.0.0.1", "-t", "3", "-p"])
        .arg(h.port.to_string())
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success())
}

#[derive(Serialize, Deserialize)]
struct Seen {
    sessions: i64,
    at: DateTime<Utc>,
}

const ACTIVITY_SQL: &str = "SELECT \
  (SELECT coalesce(sum(sessions), 0) FROM pg_stat_database \
     WHERE datname IS NOT NULL AND datname <> 'template1'), \
  (SELECT coalesce(floor(extract(epoch FROM max(CASE WHEN state = 'active' THEN now() \
     ELSE state_change END)) * 1000), 0) FROM pg_stat_activity \
     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())";

pub(super) fn last_activity(
    s: &LocalSpawner,
    h: &Handle,
) -> Result<Option<DateTime<Utc>>, SpawnError> {
    let password = h.secret()?;
    let out = Command::new(tool(s, "psql"))
        .args(["-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1"])
        .args(["-h", "127.0.0.1", "-U", ADMIN, "-d", "template1", "-p"])
        .arg(h.port.to_string())
        .arg("-c")
        .arg(ACTIVITY_SQL)
        .env_clear()
        .env("PGPASSWORD", password)
        .env("PGCONNECT_TIMEOUT", "5")
        .stdin(Stdio::null())
        .output()
        .map_err(SpawnError::io("run psql"))?;
    if !out.status.success() {
        return Err(SpawnError::Service(format!(
            "psql: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let (sessions, busy_ms) = text
        .trim()
        .split_once('|')
        .and_then(|(a, b)| Some((a.trim().parse::<i64>().ok()?, b.trim().parse::<f64>().ok()?)))
        .ok_or_else(|| SpawnError::Service(format!("psql: unexpected answer {text:?}")))?;

    let path = h.private().join("activity.json");
    let now = Utc::now();
    let seen = fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Seen>(&b).ok());
    let seen = match seen {
        Some(prev) if prev.sessions == sessions => prev,
        // The first poll: the count so far is the bootstrap's, not a use.
        None => Seen {
            sessions,
            at: h.started_at,
        },
        Some(_) => Seen { sessions, at: now },
    };
    let tmp = path.with_extension("tmp");
    if let Ok(bytes) = serde_json::to_vec(&seen) {
        if fs::write(&tmp, bytes).is_ok() {
            let _ = fs::rename(&tmp, &path);
        }
    }
    let busy = (busy_ms > 0.0)
        .then(|| DateTime::<Utc>::from_timestamp_millis(busy_ms as i64))
        .flatten();
    Ok(Some(busy.map_or(seen.at, |b| b.max(seen.at))))
}

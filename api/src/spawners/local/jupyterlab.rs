//! Recipe `jupyterlab`: JupyterLab from PyPI, in the virtualenv
//! `make tools-services` installs (`HABILIS_JUPYTERLAB_VENV`, default
//! `~/.cache/habilis-tools/jupyterlab-<version>`), one server per instance
//! on 127.0.0.1:<free port>, no browser, the notebooks and HOME in
//! `<workdir>/home`, a generated token (given in the environment, never on
//! the command line where every local account could read it).
//!
//! As root it runs as the instance account, never as root with
//! `--allow-root` (a notebook is a shell: that would give every owner a
//! root shell). A virtualenv under root's home cannot be reached by that
//! account, so the first start copies it (hard links when it can, one
//! second; else a plain copy) into `<data_dir>/instances/.tools/`, owned
//! by root and read-only for the instances; its interpreter must be one
//! every account can run (the Makefile builds the venv from Debian's
//! `/usr/bin/python3`).
//!
//! Health: `GET /api/status` with the token answers 200. Last activity:
//! that answer's `last_activity` (JupyterLab's own: the last request,
//! kernel or terminal activity; `/api/status` itself does not count).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{http, process, Handle, LocalSpawner};
use crate::spawners::{LaunchSpec, Launched, SpawnError};

pub(super) fn check(s: &LocalSpawner) -> Result<(), String> {
    for f in ["bin/python", "bin/jupyter-lab"] {
        if !s.venv.join(f).is_file() {
            return Err(format!(
                "no JupyterLab in {} (make tools-services, or set HABILIS_JUPYTERLAB_VENV)",
                s.venv.display()
            ));
        }
    }
    if let Some(u) = &s.run_as {
        let python = fs::canonicalize(s.venv.join("bin/python")).map_err(|e| e.to_string())?;
        if let Some(dir) = u.blocked_at(&python, 0o5) {
            return Err(format!(
                "the virtualenv's interpreter {} cannot be run by {} (blocked at {}): build the \
                 virtualenv from a system interpreter such as /usr/bin/python3 \
                 (make tools-services does)",
                python.display(),
                u.name,
                dir.display()
            ));
        }
    }
    Ok(())
}

/// The virtualenv as the instance account can reach it (see the module doc).
fn reachable_venv(s: &LocalSpawner, workdir: &Path) -> Result<PathBuf, SpawnError> {
    let Some(u) = &s.run_as else {
        return Ok(s.venv.clone());
    };
    if u.blocked_at(&s.venv, 0o5).is_none() {
        return Ok(s.venv.clone());
    }
    let tools = workdir
        .parent()
        .ok_or_else(|| SpawnError::Service("the workdir has no parent".into()))?
        .join(".tools");
    let name = s
        .venv
        .file_name()
        .ok_or_else(|| SpawnError::Service("the virtualenv path has no name".into()))?;
    let target = tools.join(name);
    let _one_at_a_time = s.venv_copy.lock().unwrap_or_else(|p| p.into_inner());
    if target.join("bin/jupyter-lab").is_file() {
        return Ok(target);
    }
    process::make_dir(&tools, None, 0o711)?;
    let tmp = tools.join(format!(".copy-{}", process::random_text(8)));
    let copied = |flags: &str| {
        Command::new("cp")
            .arg(flags)
            .arg(&s.venv)
            .arg(&tmp)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|st| st.success())
    };
    tracing::info!(from = %s.venv.display(), to = %target.display(),
        "copying the JupyterLab virtualenv where the instance account can read it");
    if !copied("-al") {
        let _ = fs::remove_dir_all(&tmp);
        if !copied("-a") {
            let _ = fs::remove_dir_all(&tmp);
            return Err(SpawnError::Service(format!(
                "cannot copy {} into {}",
                s.venv.display(),
                tools.display()
            )));
        }
    }
    fs::set_permissions(&tmp, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .map_err(SpawnError::io(format!("chmod {}", tmp.display())))?;
    if fs::rename(&tmp, &target).is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    Ok(target)
}

pub(super) fn start(s: &LocalSpawner, spec: &LaunchSpec) -> Result<Launched, SpawnError> {
    let wd = &spec.workdir;
    s.prepare(wd)?;
    let venv = reachable_venv(s, wd)?;
    let token = process::random_text(48);
    process::write_private(&wd.join(".habilis/secret"), &token, None)?;
    let port = process::free_port()?;
    let home = wd.join("home");
    let mut cmd = Command::new(venv.join("bin/python"));
    cmd.arg(venv.join("bin/jupyter-lab"))
        .arg("--no-browser")
        .arg("--ServerApp.ip=127.0.0.1")
        .arg(format!("--ServerApp.port={port}"))
        .arg("--ServerApp.port_retries=0")
        .arg(format!("--ServerApp.root_dir={}", home.display()))
        .arg("--ServerApp.allow_remote_access=False")
        .arg("--PasswordIdentityProvider.allow_password_change=False")
        // A closed network: no update or news checks.
        .arg("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
        .arg("--LabApp.news_url=None")
        .current_dir(&home);
    let envs = [
        ("HOME", home.display().to_string()),
        ("SHELL", "/bin/bash".to_owned()),
        ("JUPYTER_TOKEN", token.clone()),
    ];
    let started = process::spawn(cmd, s.run_as.as_ref(), &super::log_path(wd), &envs)?;
    let handle = s.handle_for("jupyterlab", spec, port, started);
    let base = format!("http://127.0.0.1:{port}");
    Ok(Launched {
        handle,
        open_url: format!("{base}/lab?token={token}"),
        secrets: json!({ "token": token }),
        connection: json!({
            "host": "127.0.0.1",
            "port": port,
            "url": format!("{base}/lab"),
        }),
    })
}

fn status(h: &Handle) -> Option<Value> {
    let token = h.secret().ok()?;
    let a = http::get(h.port, "/api/status", Some(&token), Duration::from_secs(5)).ok()?;
    (a.status == 200)
        .then(|| serde_json::from_str(&a.body).ok())
        .flatten()
}

pub(super) fn answers(h: &Handle) -> bool {
    status(h).is_some()
}

pub(super) fn last_activity(h: &Handle) -> Result<Option<DateTime<Utc>>, SpawnError> {
    let v = status(h).ok_or_else(|| SpawnError::Service("JupyterLab does not answer".into()))?;
    Ok(v.get("last_activity")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc)))
}

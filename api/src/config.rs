//! Settings: environment variables (`HABILIS_*`, `DATABASE_URL`) over an
//! optional TOML file named by `HABILIS_CONFIG`. Every setting has a safe
//! default and is documented in README ("Configuration").

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `HABILIS_BIND`: address the server listens on.
    pub bind: String,
    /// `DATABASE_URL`: `postgres://…` or `sqlite://PATH`; default a SQLite
    /// file in the data directory.
    pub database_url: Option<String>,
    /// `HABILIS_DATA_DIR`: SQLite file, mail folder.
    pub data_dir: PathBuf,
    /// `HABILIS_POLICY`: a policy document (TOML or JSON); default SPEC §2.
    pub policy_file: Option<PathBuf>,
    /// `HABILIS_CATALOG`: a service catalog file (TOML or JSON) whose
    /// offerings seed the database at start; default the built-in one.
    pub catalog_file: Option<PathBuf>,
    /// `HABILIS_JWT_SECRET`: one fixed HS256 key (≥ 32 bytes); default the
    /// keys kept in the database, shared by every replica (`habilis keys
    /// rotate`).
    pub jwt_secret: Option<String>,
    /// `HABILIS_JWT_ISSUER` / `HABILIS_JWT_AUDIENCE`.
    pub jwt_issuer: String,
    pub jwt_audience: String,
    /// `HABILIS_PUBLIC_URL`: base of links in e-mails.
    pub public_url: Option<String>,
    /// `HABILIS_SMTP_URL`: e.g. `smtps://user:pass@smtp.example.org`; unset =
    /// `.eml` files under `DATA_DIR/mail`.
    pub smtp_url: Option<String>,
    /// `HABILIS_MAIL_FROM`.
    pub mail_from: String,
    /// `HABILIS_MAIL_POLL_MS`: outbox worker period; 0 disables the worker.
    pub mail_poll_ms: u64,
    /// `HABILIS_SUPPORT_ADDRESS`: the address of the support desk; a new
    /// mail to it from a known account opens a ticket (default
    /// `support@<mail domain>`).
    pub support_address: Option<String>,
    /// `HABILIS_MAIL_MAX_BYTES`: the largest incoming mail (`habilis mail
    /// ingest`, the SMTP listener); larger ones are refused unread.
    pub mail_max_bytes: usize,
    /// `HABILIS_SMTP_LISTEN`: the embedded SMTP listener for incoming
    /// support mail (e.g. `127.0.0.1:2525`); unset = off.
    pub smtp_listen: Option<String>,
    /// `HABILIS_JOBS_POLL_MS`: background jobs period; 0 disables them here.
    pub jobs_poll_ms: u64,
    /// `HABILIS_CORS_ORIGINS`: comma-separated allowed origins; empty = closed.
    pub cors_origins: Vec<String>,
    /// `HABILIS_BODY_LIMIT`: largest JSON body in bytes (413 above).
    pub body_limit: usize,
    /// `HABILIS_DB_POOL`: database connections per process.
    pub db_pool: u32,
    /// `HABILIS_WORKERS`: HTTP worker threads (default: number of cores).
    pub workers: Option<usize>,
    /// `HABILIS_TRUST_PROXY`: take the client IP from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `HABILIS_HSTS`: send `Strict-Transport-Security` (behind TLS only).
    pub hsts: bool,
    /// `HABILIS_DIST_DIR`: the built SPA served at `/` when present.
    pub dist_dir: PathBuf,
    /// `HABILIS_LOG_FORMAT`: `text` or `json`.
    pub log_format: String,
    /// `HABILIS_METRICS_BIND`: serve `/metrics` on this address only (not on
    /// `HABILIS_BIND`); unset = on the main listener.
    pub metrics_bind: Option<String>,
    /// `HABILIS_STORAGE_URL`: where files' bytes live (`file:///dir`);
    /// unset = `$HABILIS_DATA_DIR/objects` (SPEC §5).
    pub storage_url: Option<String>,
    /// `HABILIS_UPLOAD_LEASE_SECS`: how long a resumable upload's `PATCH`
    /// holds the upload without news (renewed while bytes arrive); the
    /// upload of a process that died is free again after it.
    pub upload_lease_secs: u64,
    /// `HABILIS_SPAWNERS`: comma-separated spawner kinds this server runs
    /// instances with (issue 16 §4); this version has `local`. Empty = none
    /// (offerings are listed, none can be launched here).
    pub spawners: Vec<String>,
    /// `HABILIS_INSTANCE_USER`: when the server runs as root, the account
    /// the local spawner's instances run as (default `nobody`); ignored
    /// otherwise (they run as the server's
    /// account).
    pub instance_user: Option<String>,
    /// `HABILIS_INSTANCE_STOP_GRACE_SECS`: how long a stopping instance has
    /// after SIGTERM before its whole process group is SIGKILLed.
    pub instance_stop_grace_secs: u64,
    /// `HABILIS_JUPYTERLAB_VENV`: the virtualenv holding JupyterLab (default
    /// `~/.cache/habilis-tools/jupyterlab-<version>`, as `make
    /// tools-services` installs it).
    pub jupyterlab_venv: Option<PathBuf>,
    /// `HABILIS_PG_BINDIR`: PostgreSQL server binaries for the local
    /// spawner (default the newest `/usr/lib/postgresql/*/bin`).
    pub pg_bindir: Option<PathBuf>,
    /// `HABILIS_COMPUTE_EXECUTOR`: where this server runs compute jobs
    /// (issue 17 §5): `local` (worker slots on this host, the default),
    /// `slurm` (`sbatch` to the cluster of `SLURM_CONF`), or `none` (this
    /// replica serves the API and dispatches nothing).
    pub compute_executor: String,
    /// `HABILIS_COMPUTE_SLOTS`: how many jobs this server runs at once
    /// (default: the number of CPUs).
    pub compute_slots: u32,
    /// `HABILIS_COMPUTE_TICK_MS`: the slow tick of the dispatcher (it also
    /// wakes at every submit, cancel and finish).
    pub compute_tick_ms: u64,
    /// `HABILIS_COMPUTE_LEASE_SECS`: how long a replica's claim on a running
    /// job lasts without renewal; a job whose lease runs out is recovered.
    pub compute_lease_secs: u64,
    /// `HABILIS_COMPUTE_MAX_ATTEMPTS`: how many times a job may be started;
    /// a lost job with attempts left is queued again, otherwise it fails.
    pub compute_max_attempts: u32,
    /// `HABILIS_COMPUTE_LOG_MAX_BYTES`: the most log kept per job.
    pub compute_log_max_bytes: u64,
    /// `HABILIS_SLURM_PARTITION`: the partition the Slurm executor submits to.
    pub slurm_partition: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            database_url: None,
            data_dir: PathBuf::from("./data"),
            storage_url: None,
            policy_file: None,
            catalog_file: None,
            jwt_secret: None,
            jwt_issuer: "habilis".into(),
            jwt_audience: "habilis-api".into(),
            public_url: None,
            smtp_url: None,
            mail_from: "Habilis <no-reply@habilis.local>".into(),
            mail_poll_ms: 1000,
            support_address: None,
            mail_max_bytes: 10 * 1024 * 1024,
            smtp_listen: None,
            jobs_poll_ms: 30_000,
            cors_origins: Vec::new(),
            body_limit: 64 * 1024,
            db_pool: 16,
            workers: None,
            trust_proxy: false,
            hsts: false,
            dist_dir: PathBuf::from("./dist"),
            log_format: "text".into(),
            metrics_bind: None,
            upload_lease_secs: 30,
            spawners: vec!["local".into()],
            instance_user: None,
            instance_stop_grace_secs: 10,
            jupyterlab_venv: None,
            pg_bindir: None,
            compute_executor: "local".into(),
            compute_slots: std::thread::available_parallelism()
                .map(|n| u32::try_from(n.get()).unwrap_or(1))
                .unwrap_or(1),
            compute_tick_ms: 1000,
            compute_lease_secs: 30,
            compute_max_attempts: 2,
            compute_log_max_bytes: 8 * 1024 * 1024,
            slurm_partition: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {source}")]
    Parse {
        path: String,
        source: toml::de::Error,
    },
    #[error("invalid value for {var}: {value:?}")]
    Var { var: &'static str, value: String },
}

impl Config {
    /// File (if `HABILIS_CONFIG` is set), then environment on top.
    pub fn load() -> Result<Config, ConfigError> {
        Self::load_from(|k| std::env::var(k).ok())
    }

    pub fn load_from(env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut cfg = match env("HABILIS_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse { path, source })?
            }
            None => Config::default(),
        };
        let text = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        if let Some(v) = text("HABILIS_BIND") {
            cfg.bind = v;
        }
        if let Some(v) = text("DATABASE_URL") {
            cfg.database_url = Some(v);
        }
        if let Some(v) = text("HABILIS_DATA_DIR") {
            cfg.data_dir = v.into();
        }
        if let Some(v) = text("HABILIS_STORAGE_URL") {
            cfg.storage_url = Some(v);
        }
        if let Some(v) = text("HABILIS_POLICY") {
            cfg.policy_file = Some(v.into());
        }
        if let Some(v) = text("HABILIS_CATALOG") {
            cfg.catalog_file = Some(v.into());
        }
        if let Some(v) = text("HABILIS_JWT_SECRET") {
            cfg.jwt_secret = Some(v);
        }
        if let Some(v) = text("HABILIS_JWT_ISSUER") {
            cfg.jwt_issuer = v;
        }
        if let Some(v) = text("HABILIS_JWT_AUDIENCE") {
            cfg.jwt_audience = v;
        }
        if let Some(v) = text("HABILIS_PUBLIC_URL") {
            cfg.public_url = Some(v);
        }
        if let Some(v) = text("HABILIS_SMTP_URL") {
            cfg.smtp_url = Some(v);
        }
        if let Some(v) = text("HABILIS_MAIL_FROM") {
            cfg.mail_from = v;
        }
        if let Some(v) = text("HABILIS_MAIL_POLL_MS") {
            cfg.mail_poll_ms = parse_num("HABILIS_MAIL_POLL_MS", &v)?;
        }
        if let Some(v) = text("HABILIS_SUPPORT_ADDRESS") {
            cfg.support_address = Some(v.trim().to_owned());
        }
        if let Some(v) = text("HABILIS_MAIL_MAX_BYTES") {
            cfg.mail_max_bytes = parse_num::<usize>("HABILIS_MAIL_MAX_BYTES", &v)?.max(1024);
        }
        if let Some(v) = text("HABILIS_SMTP_LISTEN") {
            cfg.smtp_listen = Some(v.trim().to_owned());
        }
        if let Some(v) = text("HABILIS_JOBS_POLL_MS") {
            cfg.jobs_poll_ms = parse_num("HABILIS_JOBS_POLL_MS", &v)?;
        }
        if let Some(v) = text("HABILIS_CORS_ORIGINS") {
            cfg.cors_origins = v
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if let Some(v) = text("HABILIS_BODY_LIMIT") {
            cfg.body_limit = parse_num("HABILIS_BODY_LIMIT", &v)?;
        }
        if let Some(v) = text("HABILIS_DB_POOL") {
            cfg.db_pool = parse_num("HABILIS_DB_POOL", &v)?;
        }
        if let Some(v) = text("HABILIS_WORKERS") {
            cfg.workers = Some(parse_num("HABILIS_WORKERS", &v)?);
        }
        if let Some(v) = text("HABILIS_TRUST_PROXY") {
            cfg.trust_proxy = parse_bool("HABILIS_TRUST_PROXY", &v)?;
        }
        if let Some(v) = text("HABILIS_HSTS") {
            cfg.hsts = parse_bool("HABILIS_HSTS", &v)?;
        }
        if let Some(v) = text("HABILIS_DIST_DIR") {
            cfg.dist_dir = v.into();
        }
        if let Some(v) = text("HABILIS_LOG_FORMAT") {
            cfg.log_format = v;
        }
        if let Some(v) = text("HABILIS_METRICS_BIND") {
            cfg.metrics_bind = Some(v);
        }
        if let Some(v) = text("HABILIS_UPLOAD_LEASE_SECS") {
            cfg.upload_lease_secs = parse_num::<u64>("HABILIS_UPLOAD_LEASE_SECS", &v)?.max(1);
        }
        if let Some(v) = env("HABILIS_SPAWNERS") {
            // Set but empty is meaningful here: no spawner at all.
            cfg.spawners = v
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if let Some(v) = text("HABILIS_INSTANCE_USER") {
            cfg.instance_user = Some(v.trim().to_owned());
        }
        if let Some(v) = text("HABILIS_INSTANCE_STOP_GRACE_SECS") {
            cfg.instance_stop_grace_secs = parse_num("HABILIS_INSTANCE_STOP_GRACE_SECS", &v)?;
        }
        if let Some(v) = text("HABILIS_JUPYTERLAB_VENV") {
            cfg.jupyterlab_venv = Some(v.into());
        }
        if let Some(v) = text("HABILIS_PG_BINDIR") {
            cfg.pg_bindir = Some(v.into());
        }
        if let Some(v) = text("HABILIS_COMPUTE_EXECUTOR") {
            let v = v.trim().to_owned();
            if !["local", "slurm", "none"].contains(&v.as_str()) {
                return Err(ConfigError::Var {
                    var: "HABILIS_COMPUTE_EXECUTOR",
                    value: v,
                });
            }
            cfg.compute_executor = v;
        }
        if let Some(v) = text("HABILIS_COMPUTE_SLOTS") {
            cfg.compute_slots = parse_num::<u32>("HABILIS_COMPUTE_SLOTS", &v)?.max(1);
        }
        if let Some(v) = text("HABILIS_COMPUTE_TICK_MS") {
            cfg.compute_tick_ms = parse_num::<u64>("HABILIS_COMPUTE_TICK_MS", &v)?.max(10);
        }
        if let Some(v) = text("HABILIS_COMPUTE_LEASE_SECS") {
            cfg.compute_lease_secs = parse_num::<u64>("HABILIS_COMPUTE_LEASE_SECS", &v)?.max(2);
        }
        if let Some(v) = text("HABILIS_COMPUTE_MAX_ATTEMPTS") {
            cfg.compute_max_attempts = parse_num::<u32>("HABILIS_COMPUTE_MAX_ATTEMPTS", &v)?.max(1);
        }
        if let Some(v) = text("HABILIS_COMPUTE_LOG_MAX_BYTES") {
            cfg.compute_log_max_bytes = parse_num("HABILIS_COMPUTE_LOG_MAX_BYTES", &v)?;
        }
        if let Some(v) = text("HABILIS_SLURM_PARTITION") {
            cfg.slurm_partition = Some(v.trim().to_owned());
        }
        Ok(cfg)
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}",
                self.data_dir.join("habilis.sqlite3").display()
            ),
        }
    }

    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// The domain of `HABILIS_MAIL_FROM` (`Name <x@domain>` or `x@domain`):
    /// that of the support reply addresses; `habilis.local` when it has none.
    pub fn mail_domain(&self) -> String {
        self.mail_from
            .rsplit_once('@')
            .map(|(_, d)| d.trim().trim_end_matches('>').trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "habilis.local".to_owned())
    }

    /// The support desk's own address (`HABILIS_SUPPORT_ADDRESS`, default
    /// `support@<mail domain>`), lower-case.
    pub fn support_address(&self) -> String {
        match &self.support_address {
            Some(a) => a.trim().to_ascii_lowercase(),
            None => format!("support@{}", self.mail_domain()),
        }
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    pub fn data_path(&self, name: &str) -> PathBuf {
        Path::new(&self.data_dir).join(name)
    }
}

fn parse_num<T: std::str::FromStr>(var: &'static str, v: &str) -> Result<T, ConfigError> {
    v.trim().parse().map_err(|_| ConfigError::Var {
        var,
        value: v.to_owned(),
    })
}

fn parse_bool(var: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::Var {
            var,
            value: v.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_defaults() {
        let cfg = Config::load_from(|k| match k {
            "HABILIS_BIND" => Some("0.0.0.0:9000".into()),
            "HABILIS_CORS_ORIGINS" => Some("https://a.example, https://b.example".into()),
            "HABILIS_TRUST_PROXY" => Some("yes".into()),
            _ => None,
        })
        .expect("valid");
        assert_eq!(cfg.bind, "0.0.0.0:9000");
        assert_eq!(cfg.cors_origins.len(), 2);
        assert!(cfg.trust_proxy);
        assert!(cfg.database_url().starts_with("sqlite://"));
    }

    #[test]
    fn spawner_settings() {
        let cfg = Config::load_from(|_| None).expect("defaults");
        assert_eq!(cfg.spawners, vec!["local".to_owned()]);
        assert_eq!(cfg.instance_stop_grace_secs, 10);
        let cfg = Config::load_from(|k| match k {
            "HABILIS_SPAWNERS" => Some(" ".into()),
            "HABILIS_INSTANCE_USER" => Some("habilis-run".into()),
            "HABILIS_INSTANCE_STOP_GRACE_SECS" => Some("3".into()),
            "HABILIS_PG_BINDIR" => Some("/opt/pg/bin".into()),
            _ => None,
        })
        .expect("valid");
        assert!(cfg.spawners.is_empty());
        assert_eq!(cfg.instance_user.as_deref(), Some("habilis-run"));
        assert_eq!(cfg.instance_stop_grace_secs, 3);
        assert_eq!(cfg.pg_bindir, Some(PathBuf::from("/opt/pg/bin")));
    }

    #[test]
    fn bad_number_is_named() {
        let err = Config::load_from(|k| (k == "HABILIS_DB_POOL").then(|| "many".into()))
            .expect_err("refused");
        assert!(err.to_string().contains("HABILIS_DB_POOL"));
    }
}

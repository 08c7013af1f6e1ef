//! The command line: `habilis serve | migrate | bootstrap-admin | policy |
//! audit | jobs | keys | mail | openapi`. Each command reads the same configuration as `serve`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use habilis_shared::i18n::Language;
use habilis_shared::policy::Policy;
use habilis_shared::Email;
use tracing_subscriber::EnvFilter;

use crate::accounts::service;
use crate::app::Application;
use crate::auth::password::{self, NewPassword};
use crate::config::Config;
use crate::error::ProblemType;
use crate::{audit, db};

#[derive(Parser)]
#[command(
    name = "habilis",
    version,
    about = "Habilis: research platform self-service portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the SPA (HABILIS_BIND, default 127.0.0.1:8080).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Create the first admin account; refuses when an admin exists (exit 2).
    BootstrapAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Platform")]
        first_name: String,
        #[arg(long, default_value = "Administrator")]
        last_name: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Check or print a policy document.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Check a service catalog file.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Background jobs (departures, warnings, inactivity review).
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// The JWT signing keys every replica shares (kept in the database).
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Incoming support mail.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Print the OpenAPI document (or write it to a file).
    Openapi {
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Validate a catalog file (TOML, or JSON by extension): prints ok, or
    /// the first error with its path (`offerings[1].config_schema: …`).
    Check { file: PathBuf },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Validate a policy file (TOML, or JSON by extension).
    Check { file: PathBuf },
    /// Print the built-in default policy as TOML (or JSON).
    Print {
        #[arg(long)]
        json: bool,
    },
    /// Print the policy reference as Markdown (profiles, matrices, roles,
    /// action codes): of the built-in policy, or of `--file`.
    Doc {
        /// A policy document (TOML, or JSON by extension); default built-in.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Language of the text: en, fr or ja.
        #[arg(long, default_value = "en", value_parser = parse_language)]
        lang: Language,
    },
}

/// `--lang`: one of the catalog languages.
fn parse_language(s: &str) -> Result<Language, String> {
    Language::parse(s).ok_or_else(|| format!("{s:?} is not one of en, fr, ja"))
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Run every job that is due now, then exit.
    RunDue {
        /// Also bring forward the departures (and their warnings) scheduled
        /// up to this time (RFC 3339, or YYYY-MM-DD for the end of that day
        /// UTC): they run now. The inactivity review keeps its schedule.
        #[arg(long, value_parser = parse_until)]
        until: Option<chrono::DateTime<chrono::Utc>>,
    },
}

/// `--until`: an RFC 3339 time, or a day (its last second, UTC).
fn parse_until(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("{s:?} is neither an RFC 3339 time nor a YYYY-MM-DD day"))
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Add a new current signing key; the previous one keeps verifying the
    /// tokens it signed for one access-token lifetime, then stops. Running
    /// servers pick the new key up within seconds.
    Rotate,
}

#[derive(Subcommand)]
enum MailCommand {
    /// Read ONE message on standard input (an MTA's pipe, e.g. Postfix's
    /// `mailbox_command` or a `pipe` transport) and hand it to the support
    /// desk. Exit 0 when it was taken, and also when a rule refused it
    /// (the refusal is logged and audited: an MTA must not retry it
    /// forever); 75 (EX_TEMPFAIL) when it could not be decided now (the
    /// database is away), so that the MTA keeps it and retries.
    Ingest {
        /// The envelope sender (Postfix `${sender}`); empty for a bounce.
        #[arg(long)]
        sender: Option<String>,
        /// An envelope recipient (Postfix `${original_recipient}`);
        /// repeatable. Default: the message's To, Cc, Delivered-To and
        /// X-Original-To.
        #[arg(long)]
        recipient: Vec<String>,
    },
}

/// sysexits.h `EX_TEMPFAIL`: the MTA keeps the message and retries.
const EX_TEMPFAIL: u8 = 75;

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain: prints `ok N rows` or the first broken link.
    Verify,
}

fn init_logging(config: &Config, serving: bool) {
    let default = if serving { "info" } else { "warn" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    // When serving, the close of each request's span is the access-log line:
    // request id, method, route, status, latency (tracing-actix-web fields).
    let span_events = if serving {
        tracing_subscriber::fmt::format::FmtSpan::CLOSE
    } else {
        tracing_subscriber::fmt::format::FmtSpan::NONE
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(span_events)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = if config.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(&config, matches!(cli.command, Command::Serve));
    match run(cli.command, config) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => {
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build(config.clone()).await?;
                tracing::info!(
                    bind = %config.bind,
                    port = app.port(),
                    database = %db::DbUrl::parse(&config.database_url())?.backend(),
                    "Habilis is serving"
                );
                app.run_until_stopped().await?;
                Ok::<_, anyhow::Error>(())
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let pool = db::connect_command_pool(&config.database_url(), 1)?;
            let applied = crate::app::migrate(&mut *pool.get()?)?;
            if applied.is_empty() {
                println!("database is up to date");
            } else {
                for v in applied {
                    println!("applied {v}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::BootstrapAdmin {
            email,
            first_name,
            last_name,
            password_stdin,
        } => bootstrap_admin(&config, &email, &first_name, &last_name, password_stdin),
        Command::Policy { command } => match command {
            PolicyCommand::Check { file } => match crate::policy::load(Some(&file)) {
                Ok(_) => {
                    println!("ok: {} is a valid policy", file.display());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("{e}");
                    Ok(ExitCode::FAILURE)
                }
            },
            PolicyCommand::Print { json } => {
                let p = Policy::default();
                print!(
                    "{}",
                    if json {
                        p.to_json_string()
                    } else {
                        p.to_toml_string()
                    }
                );
                Ok(ExitCode::SUCCESS)
            }
            PolicyCommand::Doc { file, lang } => match crate::policy::load(file.as_deref()) {
                Ok(policy) => {
                    print!("{}", habilis_shared::policy::reference(&policy, lang));
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("{e}");
                    Ok(ExitCode::FAILURE)
                }
            },
        },
        Command::Catalog {
            command: CatalogCommand::Check { file },
        } => match crate::catalog::file::load(Some(&file)) {
            Ok(offerings) => {
                println!(
                    "ok: {} is a valid catalog ({} offerings)",
                    file.display(),
                    offerings.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("{e}");
                Ok(ExitCode::FAILURE)
            }
        },
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let pool = db::connect_command_pool(&config.database_url(), 1)?;
            let mut conn = pool.get()?;
            match audit::verify(&mut conn)? {
                audit::Verdict::Ok { rows } => {
                    println!("ok {rows} rows");
                    Ok(ExitCode::SUCCESS)
                }
                audit::Verdict::Broken { seq, reason } => {
                    println!("broken at row {seq}: {reason}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Jobs {
            command: JobsCommand::RunDue { until },
        } => {
            let policy =
                crate::policy::load(config.policy_file.as_deref()).map_err(anyhow::Error::msg)?;
            let pool = db::connect_command_pool(&config.database_url(), 2)?;
            crate::app::migrate(&mut *pool.get()?)?;
            let storage = crate::storage::from_config(&config).map_err(anyhow::Error::msg)?;
            // The instance jobs reach the instances through this host's
            // spawners, as `serve` would.
            let instances = crate::instances::jobs::InstanceEnv {
                spawners: crate::spawners::Spawners::from_config(&config)
                    .map_err(anyhow::Error::msg)?,
                data_dir: config.data_dir.clone(),
                public_url: config.public_url.clone().unwrap_or_default(),
            };
            let worker = format!("cli-{}", std::process::id());
            let mut total = 0;
            loop {
                let now = chrono::Utc::now();
                let ran = crate::app::job_kinds()
                    .with_instances(instances.clone())
                    .run_due_by(
                        &pool,
                        &policy,
                        &*storage,
                        &worker,
                        now,
                        until.unwrap_or(now),
                        50,
                    )
                    .map_err(anyhow::Error::msg)?;
                total += ran;
                if ran == 0 {
                    break;
                }
            }
            println!("ran {total} job(s)");
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys {
            command: KeysCommand::Rotate,
        } => {
            let policy =
                crate::policy::load(config.policy_file.as_deref()).map_err(anyhow::Error::msg)?;
            let pool = db::connect_command_pool(&config.database_url(), 1)?;
            let mut conn = pool.get()?;
            conn.migrate()?;
            let grace = i64::from(policy.auth.access_token_minutes) * 60;
            let now = chrono::Utc::now();
            let key = crate::auth::jwt::rotate(&mut conn, now, grace)?;
            println!(
                "new signing key {} (generation {})",
                key.kid, key.generation
            );
            println!(
                "the previous key verifies until {}",
                (now + chrono::Duration::seconds(grace)).to_rfc3339()
            );
            if config.jwt_secret.is_some() {
                eprintln!(
                    "note: HABILIS_JWT_SECRET is set: servers with it sign with that secret, \
                     not with the keys in the database"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Mail {
            command: MailCommand::Ingest { sender, recipient },
        } => Ok(mail_ingest(&config, sender, recipient)),
        Command::Openapi { output } => {
            let json = crate::routes::openapi_json();
            match output {
                Some(path) => std::fs::write(&path, json)?,
                None => print!("{json}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `habilis mail ingest`: see [`MailCommand::Ingest`].
fn mail_ingest(config: &Config, sender: Option<String>, recipients: Vec<String>) -> ExitCode {
    use crate::support::inbound::{self, Envelope, Outcome, Settings};
    let settings = Settings::of(config);
    // At most the limit and one byte are kept; the rest of a larger
    // message is read and dropped, so the MTA sees a clean delivery.
    let mut raw = Vec::new();
    let mut stdin = std::io::stdin().lock();
    let limit = u64::try_from(settings.max_bytes).unwrap_or(u64::MAX);
    let read = (&mut stdin)
        .take(limit.saturating_add(1))
        .read_to_end(&mut raw)
        .and_then(|_| std::io::copy(&mut stdin, &mut std::io::sink()));
    if let Err(e) = read {
        eprintln!("temporary failure: cannot read the message: {e}");
        return ExitCode::from(EX_TEMPFAIL);
    }
    let envelope = Envelope {
        sender,
        recipients,
        source: "pipe".into(),
    };
    let outcome = (|| -> anyhow::Result<Outcome> {
        let policy =
            crate::policy::load(config.policy_file.as_deref()).map_err(anyhow::Error::msg)?;
        let pool = db::connect_command_pool(&config.database_url(), 1)?;
        let mut conn = pool.get()?;
        Ok(inbound::ingest(
            &mut conn,
            &policy,
            chrono::Utc::now(),
            &settings,
            &raw,
            &envelope,
        )?)
    })();
    match outcome {
        Ok(Outcome::Accepted(accepted)) => {
            println!("accepted: {accepted:?}");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Refused(refusal)) => {
            eprintln!(
                "refused ({}): {}",
                refusal.code(),
                habilis_shared::i18n::Msg::new(refusal.message_key()).render(Language::En)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("temporary failure: {e:#}");
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

fn bootstrap_admin(
    config: &Config,
    email: &str,
    first_name: &str,
    last_name: &str,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let Ok(email) = Email::parse(email) else {
        anyhow::bail!("{:?} is not a valid e-mail address", email.trim());
    };
    let policy = crate::policy::load(config.policy_file.as_deref()).map_err(anyhow::Error::msg)?;
    let (password, generated) = if password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        let p = s.trim_end_matches(['\r', '\n']).to_owned();
        let chosen = NewPassword::parse(p, &policy, &email)?;
        (chosen.expose().to_owned(), false)
    } else {
        (password::generate(), true)
    };
    let pool = db::connect_command_pool(&config.database_url(), 1)?;
    let mut conn = pool.get()?;
    crate::app::migrate(&mut conn)?;
    let hash = password::hash(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let row = match service::bootstrap_admin(
        &mut conn,
        &policy,
        &config.public_url(),
        email.as_str(),
        first_name,
        last_name,
        hash,
        generated,
        chrono::Utc::now(),
    )
    .map_err(crate::error::ApiError::from)
    {
        Ok(row) => row,
        Err(e) if e.problem == ProblemType::AdminExists => {
            eprintln!("{}", e.detail);
            return Ok(ExitCode::from(2));
        }
        Err(e) => anyhow::bail!("{}", e.detail),
    };
    println!("Created the first admin account.");
    println!("  e-mail:   {}", row.email);
    if generated {
        println!("  password: {password}");
        println!("  (shown once; you will choose a new password at first sign-in)");
    }
    Ok(ExitCode::SUCCESS)
}

//! The `habilis` binary itself: migrate, bootstrap-admin, audit verify,
//! policy check/print/doc, openapi, and a clear error for an unreachable
//! database. Each test runs the real executable with its own data directory
//! and its own database (SQLite file, or a throwaway PostgreSQL database).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use diesel::prelude::*;
use habilis_api::db::schema::{audit_log, users};
use habilis_api::db::DbPool;

use crate::helpers::TestDb;

/// One data directory and one database, and the binary pointed at them.
struct Cli {
    dir: tempfile::TempDir,
    db: TestDb,
}

impl Cli {
    fn new() -> Cli {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = TestDb::new(dir.path());
        Cli { dir, db }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A command with a clean environment: only what this test sets.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_habilis"));
        cmd.args(args)
            .env_clear()
            .env("HABILIS_DATA_DIR", self.data_dir())
            .env("DATABASE_URL", &self.db.url)
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("habilis runs")
    }

    fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("habilis starts");
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("habilis ends")
    }

    fn pool(&self) -> DbPool {
        habilis_api::db::connect_pool(&self.db.url, 1).expect("test database reachable")
    }

    fn count_users(&self) -> i64 {
        let mut pooled = self.pool().get().expect("connection");
        let conn: &mut habilis_api::db::DbConn = &mut pooled;
        users::table.count().get_result(conn).expect("count users")
    }

    fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write file");
        path
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {:?}\nstdout: {}\nstderr: {}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

#[test]
fn migrate_applies_then_says_up_to_date() {
    let cli = Cli::new();
    let first = cli.run(&["migrate"]);
    assert_success(&first, "first migrate");
    let text = stdout(&first);
    assert!(text.contains("applied "), "{text}");
    assert!(!text.contains("up to date"), "{text}");
    let again = cli.run(&["migrate"]);
    assert_success(&again, "second migrate");
    assert_eq!(stdout(&again).trim(), "database is up to date");
    // The schema is really there.
    assert_eq!(cli.count_users(), 0);
}

#[test]
fn bootstrap_admin_generates_a_password_once_and_refuses_a_second_admin() {
    let cli = Cli::new();
    let out = cli.run(&["bootstrap-admin", "--email", "admin@inserm.fr"]);
    assert_success(&out, "bootstrap-admin");
    let text = stdout(&out);
    assert!(text.contains("e-mail:   admin@inserm.fr"), "{text}");
    let password = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("password:"))
        .map(str::trim)
        .expect("a generated password is printed")
        .to_owned();
    assert_eq!(
        password.chars().count(),
        20,
        "generated password {password:?}"
    );
    // The printed password is the stored one.
    let hash: String = {
        let mut pooled = cli.pool().get().expect("connection");
        let conn: &mut habilis_api::db::DbConn = &mut pooled;
        users::table
            .filter(users::email.eq("admin@inserm.fr"))
            .select(users::password_hash)
            .first(conn)
            .expect("admin row")
    };
    assert!(habilis_api::auth::password::verify(&hash, &password));
    assert_eq!(cli.count_users(), 1);

    let second = cli.run(&["bootstrap-admin", "--email", "other@inserm.fr"]);
    assert_eq!(
        second.status.code(),
        Some(2),
        "stdout: {}\nstderr: {}",
        stdout(&second),
        stderr(&second)
    );
    assert!(
        !stdout(&second).contains("password:"),
        "{}",
        stdout(&second)
    );
    assert_eq!(cli.count_users(), 1, "the second call created nothing");
}

#[test]
fn bootstrap_admin_reads_a_password_from_stdin_and_checks_its_length() {
    let cli = Cli::new();
    assert_success(&cli.run(&["migrate"]), "migrate");
    let short = cli.run_with_stdin(
        &[
            "bootstrap-admin",
            "--email",
            "admin@inserm.fr",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!short.status.success(), "a short password is refused");
    assert!(
        stderr(&short).contains("at least"),
        "stderr: {}",
        stderr(&short)
    );
    assert_eq!(cli.count_users(), 0);

    let chosen = "a long enough admin password";
    let good = cli.run_with_stdin(
        &[
            "bootstrap-admin",
            "--email",
            "admin@inserm.fr",
            "--password-stdin",
        ],
        &format!("{chosen}\n"),
    );
    assert_success(&good, "bootstrap-admin --password-stdin");
    let text = stdout(&good);
    assert!(text.contains("admin@inserm.fr"), "{text}");
    assert!(!text.contains(chosen), "a chosen password is never echoed");
    let (hash, must_change): (String, bool) = {
        let mut pooled = cli.pool().get().expect("connection");
        let conn: &mut habilis_api::db::DbConn = &mut pooled;
        users::table
            .filter(users::email.eq("admin@inserm.fr"))
            .select((users::password_hash, users::must_change_password))
            .first(conn)
            .expect("admin row")
    };
    // The trailing newline is not part of the password.
    assert!(habilis_api::auth::password::verify(&hash, chosen));
    assert!(!must_change, "a chosen password need not be changed");
}

#[test]
fn audit_verify_reports_ok_then_the_tampered_row() {
    let cli = Cli::new();
    assert_success(
        &cli.run(&["bootstrap-admin", "--email", "admin@inserm.fr"]),
        "bootstrap-admin",
    );
    let out = cli.run(&["audit", "verify"]);
    assert_success(&out, "audit verify");
    let text = stdout(&out);
    let rows: u64 = text
        .trim()
        .strip_prefix("ok ")
        .and_then(|r| r.strip_suffix(" rows"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("expected `ok N rows`, got {text:?}"));
    assert!(rows > 0, "{text}");

    {
        let mut pooled = cli.pool().get().expect("connection");
        let conn: &mut habilis_api::db::DbConn = &mut pooled;
        let changed = diesel::update(audit_log::table.filter(audit_log::seq.eq(1)))
            .set(audit_log::detail.eq(r#"{"forged":true}"#))
            .execute(conn)
            .expect("tamper");
        assert_eq!(changed, 1);
    }
    let out = cli.run(&["audit", "verify"]);
    assert!(!out.status.success(), "a tampered chain must fail");
    assert!(
        stdout(&out).contains("broken at row 1"),
        "stdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn printed_policy_passes_policy_check_as_toml_and_json() {
    let cli = Cli::new();
    let toml = cli.run(&["policy", "print"]);
    assert_success(&toml, "policy print");
    let toml_file = cli.file("policy.toml", &stdout(&toml));
    let check = cli.run(&["policy", "check", path_arg(&toml_file)]);
    assert_success(&check, "policy check TOML");
    assert!(stdout(&check).starts_with("ok"), "{}", stdout(&check));

    let json = cli.run(&["policy", "print", "--json"]);
    assert_success(&json, "policy print --json");
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).expect("policy JSON");
    assert!(parsed.is_object());
    let json_file = cli.file("policy.json", &stdout(&json));
    let check = cli.run(&["policy", "check", path_arg(&json_file)]);
    assert_success(&check, "policy check JSON");
    assert!(stdout(&check).starts_with("ok"), "{}", stdout(&check));
}

#[test]
fn policy_check_names_the_path_of_the_error() {
    let cli = Cli::new();
    for (name, text, path) in [
        (
            "unknown-profile.toml",
            "[accounts.profile_limits]\nwizard = 1\n",
            "accounts.profile_limits.wizard",
        ),
        (
            "webmaster-limit.toml",
            "[accounts]\nprofile_limits = { webmaster = 3 }\n",
            "accounts.profile_limits.webmaster",
        ),
    ] {
        let file = cli.file(name, text);
        let out = cli.run(&["policy", "check", path_arg(&file)]);
        assert!(!out.status.success(), "{name} must be refused");
        assert!(!stdout(&out).contains("ok"), "{name}: {}", stdout(&out));
        assert!(stderr(&out).contains(path), "{name}: {}", stderr(&out));
    }
}

#[test]
fn policy_doc_prints_the_committed_reference_in_each_language() {
    let cli = Cli::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (lang, file) in [
        ("en", "docs/policy.md"),
        ("fr", "docs/policy.fr.md"),
        ("ja", "docs/policy.ja.md"),
    ] {
        let out = cli.run(&["policy", "doc", "--lang", lang]);
        assert_success(&out, "policy doc");
        let committed = std::fs::read_to_string(root.join(file)).expect("committed reference");
        assert!(
            stdout(&out) == committed,
            "{file} is not what `habilis policy doc --lang {lang}` prints: regenerate it with \
             `cargo run -q -p habilis-api -- policy doc --lang {lang} > {file}`"
        );
    }
    // A document of one's own: its values show.
    let file = cli.file(
        "domains.toml",
        "[accounts]\nallowed_email_domains = [\"example.org\"]\n",
    );
    let out = cli.run(&["policy", "doc", "--file", path_arg(&file)]);
    assert_success(&out, "policy doc --file");
    assert!(stdout(&out).contains("Allowed e-mail domains: `example.org`."));
    // An unknown language or an invalid document is refused.
    let out = cli.run(&["policy", "doc", "--lang", "de"]);
    assert!(!out.status.success(), "--lang de must be refused");
    let bad = cli.file("bad.toml", "[accounts.profile_limits]\nwizard = 1\n");
    let out = cli.run(&["policy", "doc", "--file", path_arg(&bad)]);
    assert!(!out.status.success(), "an invalid policy must be refused");
    assert!(stderr(&out).contains("accounts.profile_limits.wizard"));
}

#[test]
fn openapi_prints_an_openapi_3_1_document() {
    let cli = Cli::new();
    let out = cli.run(&["openapi"]);
    assert_success(&out, "openapi");
    let text = stdout(&out);
    assert!(
        text.contains("\"openapi\": \"3.1"),
        "{}",
        text.chars().take(200).collect::<String>()
    );
    let doc: serde_json::Value = serde_json::from_str(&text).expect("OpenAPI JSON");
    assert!(doc["paths"]["/api/v1/auth/login"].is_object());
}

#[test]
fn an_unreachable_postgresql_is_a_clear_error() {
    let cli = Cli::new();
    let out = cli
        .command(&["migrate"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/x")
        .output()
        .expect("habilis runs");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot connect to postgresql"),
        "stderr: {}",
        stderr(&out)
    );
}

#[test]
fn jobs_run_due_refuses_a_bad_until_and_runs_with_a_good_one() {
    let cli = Cli::new();
    let bad = cli.run(&["jobs", "run-due", "--until", "next week"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("YYYY-MM-DD"), "{}", stderr(&bad));
    for until in ["2999-01-01", "2999-01-01T00:00:00Z"] {
        let ok = cli.run(&["jobs", "run-due", "--until", until]);
        assert_success(&ok, "run-due --until");
        assert!(stdout(&ok).contains("job(s)"), "{}", stdout(&ok));
    }
}

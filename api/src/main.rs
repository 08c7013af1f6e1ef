//! `habilis`: serve, migrate, bootstrap-admin, policy, audit, openapi.

fn main() -> std::process::ExitCode {
    habilis_api::cli::main()
}

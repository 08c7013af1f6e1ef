//! The `habilis` command itself (`habilis_api::cli::main`), built by the
//! bench's `cargo build` beside `habilis-bench` so that the transfer rows
//! run `habilis-bench-server serve` as a process of its own: its memory
//! (the upload's peak RSS) is then the server's alone, not the load
//! generator's too. Named apart from `habilis` because the bench may share
//! a target directory with the workspace, whose release build writes
//! `release/habilis` with another profile.

fn main() -> std::process::ExitCode {
    habilis_api::cli::main()
}

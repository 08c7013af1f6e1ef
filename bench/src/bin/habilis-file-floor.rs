//! The download floor, in its own process: actix-web with one route, no
//! middleware, `actix_files::NamedFile` opening one file and streaming it
//! (what a bare actix-web server does to serve a file). Nothing of the
//! measured server is shared (issue 13).
//!
//! `habilis-file-floor PATH WORKERS` prints the port it listens on, one
//! line on stdout, then serves the file at `GET /file` until killed.

use std::io::Write;
use std::path::PathBuf;

use actix_files::NamedFile;
use actix_web::{web, App, HttpServer};

async fn file(path: web::Data<PathBuf>) -> std::io::Result<NamedFile> {
    NamedFile::open_async(path.as_path()).await
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: habilis-file-floor PATH WORKERS";
    let path = PathBuf::from(args.next().ok_or_else(|| anyhow::anyhow!(usage))?);
    let workers: usize = args.next().ok_or_else(|| anyhow::anyhow!(usage))?.parse()?;
    let path = web::Data::new(path);
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new()
                .app_data(path.clone())
                .route("/file", web::get().to(file))
        })
        .workers(workers)
        .bind("127.0.0.1:0")?;
        let port = server
            .addrs()
            .first()
            .map(|a| a.port())
            .ok_or_else(|| anyhow::anyhow!("no listening address"))?;
        println!("{port}");
        std::io::stdout().flush()?;
        server.run().await?;
        anyhow::Ok(())
    })
}

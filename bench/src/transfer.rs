//! Bytes in and out (issue 15): a 1 GiB file uploaded with tus through the
//! whole stack against `dd … conv=fsync` writing the same bytes on the same
//! file system, downloaded against a bare actix-web `NamedFile`, and the
//! server's resident memory during the upload.
//!
//! The server is `habilis-bench-server serve` (the `habilis` command, built
//! beside this binary) in a process of its own, on the stack's database and
//! data directory: its `VmRSS` is then the server's alone. The download
//! floor (`habilis-file-floor`) is another process serving the very object
//! the upload stored. The client is the same for both sides of each
//! comparison: plain HTTP/1.1 over a loopback socket, the body sent from the
//! file with `std::io::copy` (which the kernel copies, `sendfile`), the
//! answer read into a 256 KiB buffer and dropped.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::stack::{Stack, JWT_SECRET, PASSWORD};

/// The file's size: 1 GiB.
pub const FILE_BYTES: u64 = 1 << 30;

/// Bytes per tus `PATCH`. A real client picks a size that makes the
/// per-request work (sign-in check, policy, the upload row's lease and
/// offset, an `fsync` of the staged file) small beside the bytes — 32
/// requests for 1 GiB — while a broken connection costs at most 32 MiB
/// sent again, and a request stays under the 100 MB body limit common to
/// reverse proxies and CDNs.
pub const CHUNK_BYTES: u64 = 32 << 20;

/// `dd`'s block size: large enough that its system calls cost nothing
/// beside the disk.
const DD_BLOCK: &str = "bs=4M";

/// `VmRSS` sampling period during an upload.
const RSS_EVERY: Duration = Duration::from_millis(20);

/// What one backend's transfer rows measured.
pub struct Transfer {
    /// MB/s (10^6 bytes per second) of each of the two tus uploads and
    /// the two `dd` runs, in the order run (A B B A).
    pub upload_mb_s: [f64; 2],
    pub dd_mb_s: [f64; 2],
    pub download_mb_s: [f64; 2],
    pub floor_mb_s: [f64; 2],
    /// CPU time (user + system) the server spent on each upload, seconds.
    pub upload_cpu_s: [f64; 2],
    /// Peak `VmRSS` minus the idle `VmRSS` just before, MiB, per upload.
    pub rss_growth_mib: [f64; 2],
    pub idle_rss_mib: [f64; 2],
}

impl Transfer {
    pub fn upload(&self) -> f64 {
        mean(self.upload_mb_s)
    }
    pub fn dd(&self) -> f64 {
        mean(self.dd_mb_s)
    }
    pub fn download(&self) -> f64 {
        mean(self.download_mb_s)
    }
    pub fn floor(&self) -> f64 {
        mean(self.floor_mb_s)
    }
    /// The larger growth of the two uploads.
    pub fn rss_growth(&self) -> f64 {
        self.rss_growth_mib[0].max(self.rss_growth_mib[1])
    }
}

fn mean(x: [f64; 2]) -> f64 {
    (x[0] + x[1]) / 2.0
}

fn mb_s(bytes: u64, took: Duration) -> f64 {
    bytes as f64 / 1e6 / took.as_secs_f64()
}

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the three comparisons on `stack` (whose expert manages the
/// organisation [`Stack::seed_projects`] made).
pub fn run(stack: &Stack, expert: &str) -> anyhow::Result<Transfer> {
    let name = stack.backend.name();
    let work = stack.dir.join("transfer");
    std::fs::create_dir_all(&work)?;
    let source = work.join("source.bin");
    eprintln!(
        "{name}: transfer: writing a {} MiB source file…",
        FILE_BYTES >> 20
    );
    let digest = write_source(&source, FILE_BYTES)?;

    let server = Server::start(stack)?;
    let token = server.login(expert)?;
    let dataset = server.dataset(&token)?;

    // Upload: tus through the whole stack (A) vs dd (B), A B B A. The
    // objects land in `<data dir>/objects`; dd writes beside them.
    let objects = stack.dir.join("objects");
    std::fs::create_dir_all(&objects)?;
    let mut uploaded = Vec::new();
    let mut upload_mb_s = [0.0; 2];
    let mut dd_mb_s = [0.0; 2];
    let mut rss_growth_mib = [0.0; 2];
    let mut idle_rss_mib = [0.0; 2];
    let mut upload_cpu_s = [0.0; 2];
    let mut floor_files = Vec::new();
    for (i, step) in ["tus", "dd", "dd", "tus"].iter().enumerate() {
        let slot = usize::from(i > 1);
        // Whatever the machine has left dirty (the previous run's bytes,
        // other processes') goes to the disk now, not during this run.
        Command::new("sync").status()?;
        if *step == "tus" {
            eprintln!("{name}: transfer: tus upload…");
            let path = format!("bench/upload-{i}.bin");
            let idle = vm_rss_kib(server.pid())?;
            let sampler = RssSampler::start(server.pid());
            let cpu = cpu_secs(server.pid())?;
            let started = Instant::now();
            let file_id = server.tus_upload(&token, &dataset, &path, &source, &digest)?;
            let took = started.elapsed();
            upload_cpu_s[slot] = cpu_secs(server.pid())? - cpu;
            let peak = sampler.stop();
            upload_mb_s[slot] = mb_s(FILE_BYTES, took);
            idle_rss_mib[slot] = idle as f64 / 1024.0;
            rss_growth_mib[slot] = peak.saturating_sub(idle) as f64 / 1024.0;
            uploaded.push(file_id);
        } else {
            eprintln!("{name}: transfer: dd conv=fsync…");
            // Kept until the four runs are over, as the uploads are: every
            // run then writes into blocks the file system had free before
            // the comparison (on a virtual disk, rewriting blocks a deleted
            // file just freed can be several times faster than new ones).
            let out = objects.join(format!("dd-floor-{i}.bin"));
            let took = dd(&source, &out)?;
            floor_files.push(out);
            dd_mb_s[slot] = mb_s(FILE_BYTES, took);
        }
    }
    for f in floor_files {
        std::fs::remove_file(f)?;
    }
    // Both uploads are listed with the source's digest and size.
    let listed = server.files(&token, &dataset)?;
    for id in &uploaded {
        let found = listed
            .iter()
            .find(|f| f["id"].as_str() == Some(id))
            .ok_or_else(|| anyhow::anyhow!("uploaded file {id} is not listed"))?;
        if found["sha256"].as_str() != Some(digest.as_str())
            || found["size"].as_u64() != Some(FILE_BYTES)
        {
            anyhow::bail!("uploaded file {id} is listed as {found}, not {digest}");
        }
    }
    let [keep, spare] = &uploaded[..] else {
        anyhow::bail!("two uploads expected");
    };
    server.delete_file(&token, spare)?;

    // Download: Habilis (A) vs NamedFile on the same stored object (B).
    let object = objects.join(stack.object_key(keep)?);
    let floor = start_file_floor(&object)?;
    let app_url = format!("/api/v1/files/{keep}/content");
    let auth = format!("Bearer {token}");
    let mut download_mb_s = [0.0; 2];
    let mut floor_mb_s = [0.0; 2];
    for (i, step) in ["habilis", "floor", "floor", "habilis"].iter().enumerate() {
        let slot = usize::from(i > 1);
        eprintln!("{name}: transfer: download from {step}…");
        let started = Instant::now();
        let got = if *step == "habilis" {
            get_body(server.port, &app_url, Some(&auth))?
        } else {
            get_body(floor.1, "/file", None)?
        };
        let took = started.elapsed();
        if got != FILE_BYTES {
            anyhow::bail!("{step} sent {got} bytes, not {FILE_BYTES}");
        }
        if *step == "habilis" {
            download_mb_s[slot] = mb_s(FILE_BYTES, took);
        } else {
            floor_mb_s[slot] = mb_s(FILE_BYTES, took);
        }
    }
    drop(floor);
    server.delete_file(&token, keep)?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(Transfer {
        upload_mb_s,
        dd_mb_s,
        download_mb_s,
        floor_mb_s,
        upload_cpu_s,
        rss_growth_mib,
        idle_rss_mib,
    })
}

/// `len` pseudo-random bytes (xorshift: not compressible, cheap to make)
/// into `path`, flushed to the disk; their SHA-256, lowercase hex.
fn write_source(path: &Path, len: u64) -> anyhow::Result<String> {
    let mut file = File::create(path)?;
    let mut hasher = Sha256::new();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        for word in buf.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = usize::try_from(left.min(buf.len() as u64))?;
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])?;
        left -= n as u64;
    }
    file.sync_all()?;
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `dd if=SOURCE of=OUT bs=4M conv=fsync`, timed as a process.
fn dd(source: &Path, out: &Path) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let status = Command::new("dd")
        .arg(format!("if={}", source.display()))
        .arg(format!("of={}", out.display()))
        .arg(DD_BLOCK)
        .arg("conv=fsync")
        .arg("status=none")
        .status()?;
    let took = started.elapsed();
    if !status.success() {
        anyhow::bail!("dd failed: {status}");
    }
    Ok(took)
}

/// `VmRSS` of `pid`, KiB.
fn vm_rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no VmRSS for process {pid}"))
}

/// User + system CPU time of `pid` so far, seconds (`/proc/PID/stat`,
/// in clock ticks of 1/100 s, what Linux gives user space).
fn cpu_secs(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The fields after the command name, which is in parentheses.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| anyhow::anyhow!("unreadable /proc/{pid}/stat"))?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime: fields 14 and 15 of proc_pid_stat(5), 11 and 12
    // (from 0) after the name.
    let tick = |i: usize| -> anyhow::Result<f64> {
        Ok(fields
            .get(i)
            .ok_or_else(|| anyhow::anyhow!("short /proc/{pid}/stat"))?
            .parse::<f64>()?
            / 100.0)
    };
    Ok(tick(11)? + tick(12)?)
}

/// Samples a process's `VmRSS` every [`RSS_EVERY`] from a thread of its
/// own, keeping the highest.
struct RssSampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl RssSampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(vm_rss_kib(pid).unwrap_or(0));
                std::thread::sleep(RSS_EVERY);
            }
            peak.max(vm_rss_kib(pid).unwrap_or(0))
        });
        RssSampler { stop, thread }
    }

    /// The highest `VmRSS` seen, KiB.
    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// `habilis-bench-server serve` on the stack's database and data
/// directory, on a port of its own.
struct Server {
    process: Process,
    port: u16,
}

impl Server {
    fn start(stack: &Stack) -> anyhow::Result<Server> {
        let exe = std::env::current_exe()?.with_file_name("habilis-bench-server");
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = File::create(stack.dir.join("transfer").join("server.log"))?;
        let child = Command::new(&exe)
            .arg("serve")
            .env_remove("HABILIS_CONFIG")
            .env_remove("HABILIS_STORAGE_URL")
            .env_remove("HABILIS_POLICY")
            .env("HABILIS_BIND", format!("127.0.0.1:{port}"))
            .env("HABILIS_DATA_DIR", &stack.dir)
            .env("DATABASE_URL", &stack.database_url)
            .env("HABILIS_DIST_DIR", stack.dir.join("no-spa"))
            .env("HABILIS_JWT_SECRET", JWT_SECRET)
            .env("HABILIS_MAIL_POLL_MS", "0")
            .env("HABILIS_JOBS_POLL_MS", "0")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", exe.display()))?;
        let mut server = Server {
            process: Process(child),
            port,
        };
        for _ in 0..300 {
            if let Ok(200) = server
                .request("GET", "/readyz", &[], None)
                .map(|r| r.status)
            {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.process.0.try_wait() {
                anyhow::bail!(
                    "habilis-bench-server exited ({status}); see {}",
                    stack.dir.join("transfer/server.log").display()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        anyhow::bail!("habilis-bench-server did not become ready on port {port}")
    }

    fn pid(&self) -> u32 {
        self.process.0.id()
    }

    /// One request on a connection of its own.
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        json: Option<&serde_json::Value>,
    ) -> anyhow::Result<Answer> {
        let mut conn = Conn::open(self.port)?;
        let body = json.map(serde_json::Value::to_string);
        let mut all: Vec<(&str, String)> = headers.to_vec();
        if body.is_some() {
            all.push(("Content-Type", "application/json".into()));
        }
        let body = body.unwrap_or_default();
        conn.send_head(method, path, &all, body.len() as u64)?;
        conn.stream.write_all(body.as_bytes())?;
        conn.answer()
    }

    fn json(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&serde_json::Value>,
        expect: u16,
    ) -> anyhow::Result<serde_json::Value> {
        let auth = [("Authorization", format!("Bearer {token}"))];
        let headers: &[(&str, String)] = if token.is_empty() { &[] } else { &auth };
        let res = self.request(method, path, headers, body)?;
        if res.status != expect {
            anyhow::bail!(
                "{method} {path} answered {}: {}",
                res.status,
                String::from_utf8_lossy(&res.body)
            );
        }
        if res.body.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        Ok(serde_json::from_slice(&res.body)?)
    }

    fn login(&self, email: &str) -> anyhow::Result<String> {
        let body = serde_json::json!({ "email": email, "password": PASSWORD });
        let pair = self.json("POST", "/api/v1/auth/login", "", Some(&body), 200)?;
        pair["access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("no access token: {pair}"))
    }

    /// A new dataset in the first project the expert sees.
    fn dataset(&self, token: &str) -> anyhow::Result<String> {
        let projects = self.json("GET", "/api/v1/projects", token, None, 200)?;
        let project = projects["items"][0]["id"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("the expert sees no project: {projects}"))?;
        let body = serde_json::json!({ "name": "make bench transfer" });
        let made = self.json(
            "POST",
            &format!("/api/v1/projects/{project}/datasets"),
            token,
            Some(&body),
            201,
        )?;
        made["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("no dataset id: {made}"))
    }

    fn files(&self, token: &str, dataset: &str) -> anyhow::Result<Vec<serde_json::Value>> {
        let page = self.json(
            "GET",
            &format!("/api/v1/datasets/{dataset}/files?limit=100"),
            token,
            None,
            200,
        )?;
        Ok(page["items"].as_array().cloned().unwrap_or_default())
    }

    fn delete_file(&self, token: &str, id: &str) -> anyhow::Result<()> {
        self.json("DELETE", &format!("/api/v1/files/{id}"), token, None, 204)?;
        Ok(())
    }

    /// A tus upload of `source` to `path` in `dataset`: creation with the
    /// length, the path and the expected digest, then `PATCH`es of
    /// [`CHUNK_BYTES`] on one kept-alive connection, as a tus client does.
    /// Returns the recorded file's id.
    fn tus_upload(
        &self,
        token: &str,
        dataset: &str,
        path: &str,
        source: &Path,
        digest: &str,
    ) -> anyhow::Result<String> {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let auth = ("Authorization", format!("Bearer {token}"));
        let tus = ("Tus-Resumable", "1.0.0".to_owned());
        let len = std::fs::metadata(source)?.len();
        let mut conn = Conn::open(self.port)?;
        conn.send_head(
            "POST",
            &format!("/api/v1/datasets/{dataset}/uploads"),
            &[
                auth.clone(),
                tus.clone(),
                ("Upload-Length", len.to_string()),
                (
                    "Upload-Metadata",
                    format!("filename {},sha256 {}", b64(path), b64(digest)),
                ),
            ],
            0,
        )?;
        let created = conn.answer()?;
        if created.status != 201 {
            anyhow::bail!(
                "tus creation answered {}: {}",
                created.status,
                String::from_utf8_lossy(&created.body)
            );
        }
        let location = created
            .header("location")
            .ok_or_else(|| anyhow::anyhow!("tus creation without Location"))?
            .to_owned();
        let file = File::open(source)?;
        let mut offset = 0u64;
        while offset < len {
            let n = CHUNK_BYTES.min(len - offset);
            conn.send_head(
                "PATCH",
                &location,
                &[
                    auth.clone(),
                    tus.clone(),
                    ("Content-Type", "application/offset+octet-stream".to_owned()),
                    ("Upload-Offset", offset.to_string()),
                ],
                n,
            )?;
            // File → socket in the kernel (std's `copy` uses sendfile).
            seek_to(&file, offset)?;
            let mut part = (&file).take(n);
            let sent = std::io::copy(&mut part, &mut conn.stream)?;
            if sent != n {
                anyhow::bail!("sent {sent} bytes of a {n}-byte chunk");
            }
            let res = conn.answer()?;
            if res.status != 204 {
                anyhow::bail!(
                    "PATCH at {offset} answered {}: {}",
                    res.status,
                    String::from_utf8_lossy(&res.body)
                );
            }
            let now: u64 = res
                .header("upload-offset")
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| anyhow::anyhow!("PATCH answer without Upload-Offset"))?;
            if now != offset + n {
                anyhow::bail!("Upload-Offset {now} after sending up to {}", offset + n);
            }
            offset = now;
            if offset == len {
                return res
                    .header("habilis-file-id")
                    .map(str::to_owned)
                    .ok_or_else(|| anyhow::anyhow!("last PATCH without Habilis-File-Id"));
            }
        }
        anyhow::bail!("an empty source")
    }
}

fn seek_to(file: &File, offset: u64) -> std::io::Result<()> {
    use std::io::Seek;
    let mut f = file;
    f.seek(std::io::SeekFrom::Start(offset)).map(|_| ())
}

/// An answer: status, headers (names lowercase), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An answer's status line and headers (names lowercase), and the body's
/// length when `Content-Length` gives it.
struct Head {
    status: u16,
    headers: Vec<(String, String)>,
    length: Option<u64>,
}

/// One HTTP/1.1 connection over loopback, kept alive across requests.
struct Conn {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
    port: u16,
}

impl Conn {
    fn open(port: u16) -> anyhow::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(120)))?;
        let reader = BufReader::with_capacity(256 * 1024, stream.try_clone()?);
        Ok(Conn {
            stream,
            reader,
            port,
        })
    }

    fn send_head(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        content_length: u64,
    ) -> anyhow::Result<()> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n",
            self.port
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if content_length > 0 || !matches!(method, "GET" | "HEAD" | "DELETE") {
            head.push_str(&format!("Content-Length: {content_length}\r\n"));
        }
        head.push_str("\r\n");
        self.stream.write_all(head.as_bytes())?;
        Ok(())
    }

    /// Reads the status line and headers; `Some(length)` of the body when
    /// `Content-Length` gives it.
    fn head(&mut self) -> anyhow::Result<Head> {
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("not an HTTP answer: {line:?}"))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            anyhow::bail!("a chunked answer (status {status}): this client reads lengths only");
        }
        let length = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok());
        Ok(Head {
            status,
            headers,
            length,
        })
    }

    /// The answer to the request just sent, body included.
    fn answer(&mut self) -> anyhow::Result<Answer> {
        let Head {
            status,
            headers,
            length,
        } = self.head()?;
        let mut body = Vec::new();
        match length {
            Some(n) => {
                (&mut self.reader).take(n).read_to_end(&mut body)?;
            }
            None if status == 204 || status == 304 => {}
            None => {
                self.reader.read_to_end(&mut body)?;
            }
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// `GET path` on a fresh connection; the body read into a 256 KiB buffer
/// and dropped. Returns its length; refuses anything but 200.
fn get_body(port: u16, path: &str, auth: Option<&str>) -> anyhow::Result<u64> {
    let mut conn = Conn::open(port)?;
    let headers: Vec<(&str, String)> = auth
        .map(|a| ("Authorization", a.to_owned()))
        .into_iter()
        .collect();
    conn.send_head("GET", path, &headers, 0)?;
    let Head { status, length, .. } = conn.head()?;
    if status != 200 {
        anyhow::bail!("GET {path} answered {status}");
    }
    let length = length.ok_or_else(|| anyhow::anyhow!("GET {path}: no Content-Length"))?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut left = length;
    while left > 0 {
        let want = usize::try_from(left.min(buf.len() as u64))?;
        let n = conn.reader.read(&mut buf[..want])?;
        if n == 0 {
            break;
        }
        left -= n as u64;
    }
    Ok(length - left)
}

/// Starts `habilis-file-floor` on `path` with as many workers as cores;
/// the process (killed when dropped) and its port.
fn start_file_floor(path: &Path) -> anyhow::Result<(Process, u16)> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .to_string();
    let args = [path.as_os_str(), std::ffi::OsStr::new(&workers)];
    let (child, port) = crate::stack::spawn_floor("habilis-file-floor", &args)?;
    Ok((Process(child), port))
}

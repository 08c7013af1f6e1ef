//! The load generator is `wrk` (Debian's package), run as a child process
//! on the same machine as the server; this module only builds its command
//! line and reads its report.

use std::path::Path;
use std::process::Command;

/// What one `wrk` run reported.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Load {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
}

/// One run: `connections` over `threads` threads for `secs` seconds, with an
/// optional Lua script and headers. Any non-2xx answer or socket error fails
/// the run: a benchmark of errors measures nothing.
pub struct Run<'a> {
    pub url: &'a str,
    pub connections: u32,
    pub threads: u32,
    pub secs: u32,
    pub headers: &'a [(&'a str, String)],
    pub script: Option<&'a Path>,
    pub env: &'a [(String, String)],
}

impl<'a> Run<'a> {
    /// `connections` spread over `threads` for `secs`: a plain GET.
    pub fn new(url: &'a str, connections: u32, threads: u32, secs: u32) -> Self {
        Run {
            url,
            connections,
            threads,
            secs,
            headers: &[],
            script: None,
            env: &[],
        }
    }

    pub fn headers(self, headers: &'a [(&'a str, String)]) -> Self {
        Run { headers, ..self }
    }

    /// A Lua script (method, body, per-thread state) and the environment it reads.
    pub fn script(self, script: &'a Path, env: &'a [(String, String)]) -> Self {
        Run {
            script: Some(script),
            env,
            ..self
        }
    }

    pub fn go(&self) -> anyhow::Result<Load> {
        let mut cmd = Command::new("wrk");
        cmd.arg("--latency")
            .arg("-t")
            .arg(self.threads.min(self.connections).to_string())
            .arg("-c")
            .arg(self.connections.to_string())
            .arg("-d")
            .arg(format!("{}s", self.secs))
            .arg("--timeout")
            .arg("10s");
        for (k, v) in self.headers {
            cmd.arg("-H").arg(format!("{k}: {v}"));
        }
        if let Some(s) = self.script {
            cmd.arg("-s").arg(s);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd.arg(self.url);
        let out = cmd
            .output()
            .map_err(|e| anyhow::anyhow!("cannot run wrk (make bench installs it): {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            anyhow::bail!(
                "wrk failed: {}\n{text}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        parse(&text).map_err(|e| anyhow::anyhow!("{e} in wrk's report for {}:\n{text}", self.url))
    }
}

/// Reads `Requests/sec`, the 50 % and 99 % latencies and the request count;
/// refuses a report with non-2xx answers or socket errors.
pub fn parse(text: &str) -> Result<Load, String> {
    if let Some(line) = text
        .lines()
        .find(|l| l.contains("Non-2xx or 3xx responses"))
    {
        return Err(format!("errors: {}", line.trim()));
    }
    if let Some(line) = text.lines().find(|l| l.contains("Socket errors")) {
        return Err(format!("errors: {}", line.trim()));
    }
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::trim)
            .ok_or_else(|| format!("no `{prefix}` line"))
    };
    let requests_per_sec = field("Requests/sec:")?
        .parse::<f64>()
        .map_err(|e| format!("Requests/sec: {e}"))?;
    let p50_ms = duration_ms(field("50%")?)?;
    let p99_ms = duration_ms(field("99%")?)?;
    let requests = text
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or("no request count")?;
    Ok(Load {
        requests_per_sec,
        p50_ms,
        p99_ms,
        requests,
    })
}

/// `635.91us`, `1.21ms`, `2.00s`, `1.50m` → milliseconds.
fn duration_ms(s: &str) -> Result<f64, String> {
    let split = s
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("no unit in {s:?}"))?;
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().map_err(|e| format!("{s:?}: {e}"))?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        _ => return Err(format!("unknown unit in {s:?}")),
    };
    Ok(n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 5s test @ http://127.0.0.1:1/x
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  30.01ms   90.00%
    Req/Sec    10.30k     1.00k   12.00k    70.00%
  Latency Distribution
     50%  635.91us
     75%  712.91us
     90%  781.91us
     99%    1.21ms
  102400 requests in 5.00s, 11.10MB read
Requests/sec:  20480.00
Transfer/sec:      2.22MB
";

    #[test]
    fn reads_a_report() {
        let l = parse(REPORT).expect("parses");
        assert_eq!(l.requests, 102_400);
        assert!((l.requests_per_sec - 20_480.0).abs() < 1e-9);
        assert!((l.p50_ms - 0.63591).abs() < 1e-9);
        assert!((l.p99_ms - 1.21).abs() < 1e-9);
    }

    #[test]
    fn refuses_errors() {
        let bad = REPORT.replace(
            "Requests/sec",
            "  Non-2xx or 3xx responses: 3\nRequests/sec",
        );
        assert!(parse(&bad).is_err());
    }
}

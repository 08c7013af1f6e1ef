//! Processes of the local spawner: the account they run as, one process
//! group each, output to `<workdir>/logs/instance.log`, identity that
//! survives a restart (pid + start time + boot id), group stop with a grace.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal};

use crate::spawners::SpawnError;

/// The account instance processes run as when the server runs as root
/// (PostgreSQL refuses root, and nobody's notebook should be root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunAs {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

impl RunAs {
    /// `None` when the server is not root: processes run as the server's
    /// own account. As root: the named account, else `nobody` (not
    /// `postgres`: on Debian that account owns the host's own PostgreSQL
    /// cluster — perhaps Habilis's database — and reaches it as superuser
    /// through the local socket).
    pub fn resolve(configured: Option<&str>) -> Result<Option<RunAs>, String> {
        if !rustix::process::geteuid().is_root() {
            return Ok(None);
        }
        let candidates: Vec<&str> = match configured {
            Some(name) => vec![name],
            None => vec!["nobody"],
        };
        for name in &candidates {
            if let Some((uid, gid)) = lookup_user(name) {
                if uid == 0 {
                    return Err(format!(
                        "HABILIS_INSTANCE_USER: {name} is root; instances must run unprivileged"
                    ));
                }
                return Ok(Some(RunAs {
                    name: (*name).to_owned(),
                    uid,
                    gid,
                }));
            }
        }
        Err(format!(
            "HABILIS_INSTANCE_USER: no account {} on this host",
            candidates.join(" or ")
        ))
    }

    /// Whether this account may pass through every directory down to
    /// `path` and, for the last one, also `need` (`0o4` read, `0o2` write,
    /// `0o1` search: the bits of the "other" class). Reports the first
    /// directory in the way.
    pub fn blocked_at(&self, path: &Path, need: u32) -> Option<PathBuf> {
        let mut chain: Vec<&Path> = path.ancestors().collect();
        chain.reverse();
        let last = chain.len().saturating_sub(1);
        for (i, dir) in chain.iter().enumerate() {
            let Ok(meta) = fs::metadata(dir) else {
                return Some(dir.to_path_buf());
            };
            let want = if i == last { need | 0o1 } else { 0o1 };
            let mode = meta.mode();
            let bits = if meta.uid() == self.uid {
                (mode >> 6) & 0o7
            } else if meta.gid() == self.gid {
                (mode >> 3) & 0o7
            } else {
                mode & 0o7
            };
            if bits & want != want {
                return Some(dir.to_path_buf());
            }
        }
        None
    }
}

/// `getent passwd NAME` (so NSS accounts count too), else `/etc/passwd`.
fn lookup_user(name: &str) -> Option<(u32, u32)> {
    let from_getent = Command::new("getent")
        .args(["passwd", name])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let text = match from_getent {
        Some(t) => t,
        None => fs::read_to_string("/etc/passwd").ok()?,
    };
    text.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.len() >= 4 && f[0] == name).then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

/// Makes `dir` (and parents) and gives it to `owner` with `mode`.
pub fn make_dir(dir: &Path, owner: Option<&RunAs>, mode: u32) -> Result<(), SpawnError> {
    fs::create_dir_all(dir).map_err(SpawnError::io(format!("create {}", dir.display())))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(mode))
        .map_err(SpawnError::io(format!("chmod {}", dir.display())))?;
    give(dir, owner)
}

/// Gives a file or directory to `owner` (no-op when the server is not root).
pub fn give(path: &Path, owner: Option<&RunAs>) -> Result<(), SpawnError> {
    if let Some(u) = owner {
        std::os::unix::fs::chown(path, Some(u.uid), Some(u.gid))
            .map_err(SpawnError::io(format!("chown {}", path.display())))?;
    }
    Ok(())
}

/// Writes `text` to a new file readable by its owner only.
pub fn write_private(path: &Path, text: &str, owner: Option<&RunAs>) -> Result<(), SpawnError> {
    let _ = fs::remove_file(path);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(SpawnError::io(format!("create {}", path.display())))?;
    io::Write::write_all(&mut f, text.as_bytes())
        .map_err(SpawnError::io(format!("write {}", path.display())))?;
    give(path, owner)
}

/// A started process group: the leader's pid (= the group id) and what
/// names it for ever.
pub struct Started {
    pub pid: i32,
    pub proc_start: u64,
    pub boot_id: String,
}

/// Starts `cmd` in its own process group, as `run_as`, with a clean
/// environment (the server's own — database URL, secrets — never leaks
/// in), stdin closed and stdout/stderr appended to `log`. A thread reaps
/// it when it ends, so a dead instance never lingers as a zombie.
pub fn spawn(
    mut cmd: Command,
    run_as: Option<&RunAs>,
    log: &Path,
    envs: &[(&str, String)],
) -> Result<Started, SpawnError> {
    let out = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o640)
        .open(log)
        .map_err(SpawnError::io(format!("open {}", log.display())))?;
    let err = out
        .try_clone()
        .map_err(SpawnError::io("duplicate the log file"))?;
    cmd.env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("LANG", "C.UTF-8")
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .process_group(0);
    if let Some(u) = run_as {
        // std drops the supplementary groups too when it changes the uid
        // from root (setgroups(0) before setuid).
        cmd.uid(u.uid).gid(u.gid).env("USER", &u.name);
    }
    let mut child = cmd
        .spawn()
        .map_err(SpawnError::io(format!("start {:?}", cmd.get_program())))?;
    let pid = i32::try_from(child.id())
        .map_err(|_| SpawnError::Service(format!("pid out of range: {}", child.id())))?;
    // Not reaped yet, so /proc/<pid> is there even if it already exited
    // (then as a zombie, whose start time still names it).
    let proc_start = stat_fields(pid)
        .and_then(|f| f.get(19)?.parse::<u64>().ok())
        .ok_or_else(|| {
            SpawnError::Service(format!("process {pid} vanished before it was recorded"))
        })?;
    std::thread::Builder::new()
        .name(format!("reap-{pid}"))
        .spawn(move || {
            let _ = child.wait();
        })
        .map_err(SpawnError::io("start the reaper thread"))?;
    Ok(Started {
        pid,
        proc_start,
        boot_id: boot_id(),
    })
}

/// This boot's id: a pid and a start time name one process only within a boot.
pub fn boot_id() -> String {
    fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// The fields of `/proc/<pid>/stat` after the command name (the first is
/// field 3, the state).
fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

/// CPU time of `pid` and of its children it waited for (utime + stime +
/// cutime + cstime of `/proc/<pid>/stat`), in milliseconds. A zombie still
/// answers: its parent has not reaped it, so its totals are final.
pub fn cpu_ms(pid: i32) -> Option<i64> {
    let fields = stat_fields(pid)?;
    // After the command name, field 14 (utime) is index 11.
    let ticks: u64 = fields
        .get(11..15)?
        .iter()
        .map(|f| f.parse::<u64>().ok())
        .sum::<Option<u64>>()?;
    let hz = rustix::param::clock_ticks_per_second().max(1);
    i64::try_from(ticks.saturating_mul(1000) / hz).ok()
}

/// Peak resident memory of a live `pid` (`VmHWM`), in KiB.
pub fn peak_rss_kb(pid: i32) -> Option<i64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn is_zombie(fields: &[String]) -> bool {
    matches!(fields.first().map(String::as_str), Some("Z") | Some("X"))
}

/// Field 22 of `/proc/<pid>/stat` (start time in clock ticks after boot),
/// `None` when there is no such process or it is a zombie.
pub fn proc_start_ticks(pid: i32) -> Option<u64> {
    let fields = stat_fields(pid)?;
    if is_zombie(&fields) {
        return None;
    }
    fields.get(19)?.parse().ok()
}

/// The process recorded as (`pid`, `proc_start`, `boot_id`) still runs:
/// a reused pid (other start time, other boot) does not count.
pub fn is_alive(pid: i32, proc_start: u64, boot: &str) -> bool {
    boot == boot_id() && proc_start_ticks(pid) == Some(proc_start)
}

/// Whether any live process of group `pgid` remains (zombies, which no
/// signal can end and which their parent reaps, do not count).
pub fn group_exists(pgid: i32) -> bool {
    let Some(p) = Pid::from_raw(pgid) else {
        return false;
    };
    // Cheap first: no process at all in the group.
    if matches!(
        rustix::process::test_kill_process_group(p),
        Err(e) if e == rustix::io::Errno::SRCH
    ) {
        return false;
    }
    let Ok(dir) = fs::read_dir("/proc") else {
        return true;
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .any(|pid| {
            stat_fields(pid).is_some_and(|f| {
                !is_zombie(&f) && f.get(2).and_then(|g| g.parse::<i32>().ok()) == Some(pgid)
            })
        })
}

fn signal_group(pgid: i32, sig: Signal) {
    if let Some(p) = Pid::from_raw(pgid) {
        let _ = rustix::process::kill_process_group(p, sig);
    }
}

/// Stops the group whose leader was (`pid`, `proc_start`, `boot`): SIGTERM
/// to the whole group, SIGKILL to what remains after `grace`, then waits
/// (bounded) until nothing of it remains. When the leader is gone its
/// group may still hold children, which are stopped the same way; when the
/// pid now names another process, the group is long gone and nothing is
/// signalled (the kernel never reuses a pid while its group exists).
pub fn stop_group(pid: i32, proc_start: u64, boot: &str, grace: Duration) -> Result<(), String> {
    let pgid = pid;
    if boot != boot_id() {
        return Ok(()); // another boot: nothing of it can run
    }
    match proc_start_ticks(pid) {
        Some(t) if t != proc_start => return Ok(()),
        _ => {}
    }
    if !group_exists(pgid) {
        return Ok(());
    }
    signal_group(pgid, Signal::TERM);
    if wait_gone(pgid, grace) {
        return Ok(());
    }
    tracing::warn!(
        pgid,
        "instance did not stop within the grace period: SIGKILL"
    );
    signal_group(pgid, Signal::KILL);
    if wait_gone(pgid, Duration::from_secs(10)) {
        Ok(())
    } else {
        Err(format!("process group {pgid} survives SIGKILL"))
    }
}

fn wait_gone(pgid: i32, within: Duration) -> bool {
    let until = Instant::now() + within;
    loop {
        if !group_exists(pgid) {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The last `max_bytes` of the log, cut at a character boundary.
pub fn tail(log: &Path, max_bytes: usize) -> Result<String, SpawnError> {
    let mut f = match File::open(log) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(String::new()),
        Err(e) => {
            return Err(SpawnError::Io {
                context: format!("open {}", log.display()),
                source: e,
            });
        }
    };
    let len = f
        .metadata()
        .map_err(SpawnError::io(format!("stat {}", log.display())))?
        .len();
    let from = len.saturating_sub(max_bytes as u64);
    f.seek(SeekFrom::Start(from))
        .map_err(SpawnError::io(format!("seek {}", log.display())))?;
    let mut bytes = Vec::with_capacity(usize::try_from(len - from).unwrap_or(0));
    f.take(max_bytes as u64)
        .read_to_end(&mut bytes)
        .map_err(SpawnError::io(format!("read {}", log.display())))?;
    // Skip a partial UTF-8 sequence at the cut.
    let start = if from > 0 {
        bytes
            .iter()
            .position(|b| (*b as i8) >= -0x40)
            .unwrap_or(bytes.len())
    } else {
        0
    };
    Ok(String::from_utf8_lossy(&bytes[start..]).into_owned())
}

/// A free TCP port on 127.0.0.1 (the service binds it a moment later).
pub fn free_port() -> Result<u16, SpawnError> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(SpawnError::io("find a free port on 127.0.0.1"))?;
    Ok(l.local_addr()
        .map_err(SpawnError::io("find a free port on 127.0.0.1"))?
        .port())
}

/// `n` random characters from `[a-z0-9]` (passwords, tokens, role names).
pub fn random_text(n: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng;
    (0..n)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_is_alive_and_a_wrong_start_time_is_not() {
        let me = i32::try_from(std::process::id()).expect("pid");
        let start = proc_start_ticks(me).expect("own stat");
        assert!(is_alive(me, start, &boot_id()));
        assert!(!is_alive(me, start + 1, &boot_id()));
        assert!(!is_alive(me, start, "another-boot"));
    }

    #[test]
    fn a_group_of_zombies_is_gone() {
        let mut child = Command::new("/bin/sh")
            .args(["-c", "exit 0"])
            .process_group(0)
            .spawn()
            .expect("spawn");
        let pid = i32::try_from(child.id()).expect("pid");
        // Not reaped yet: a zombie, still in its group for kill(2).
        let until = Instant::now() + Duration::from_secs(5);
        while proc_start_ticks(pid).is_some() {
            assert!(Instant::now() < until, "the shell ends");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!group_exists(pid));
        assert!(stop_group(pid, 0, &boot_id(), Duration::from_millis(10)).is_ok());
        child.wait().expect("reap");
    }

    #[test]
    fn tail_keeps_the_end_and_whole_characters() {
        let dir = tempfile::tempdir().expect("tmp");
        let log = dir.path().join("l");
        fs::write(&log, "abcé€xyz").expect("write");
        assert_eq!(tail(&log, 100).expect("tail"), "abcé€xyz");
        // "€" is 3 bytes: a cut inside it drops the partial character.
        assert_eq!(tail(&log, 5).expect("tail"), "xyz");
        assert_eq!(tail(&log, 6).expect("tail"), "€xyz");
        assert_eq!(tail(&dir.path().join("none"), 10).expect("tail"), "");
    }

    #[test]
    fn random_text_is_long_and_varied() {
        let a = random_text(32);
        assert_eq!(a.len(), 32);
        assert_ne!(a, random_text(32));
    }
}

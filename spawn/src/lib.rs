//! Starts a job's process with **one** `execve` (issue 17, the dispatch
//! rate): the account change (supplementary groups cleared, then gid, then
//! uid), the resource limits, a process group of its own, the working
//! directory and the standard streams are all set in the child of a
//! `clone(CLONE_VM | CLONE_VFORK)`, the way glibc's `posix_spawn` starts a
//! program, so that:
//!
//! - the server (a large multi-threaded process) is never `fork()`ed: no
//!   copy of its page tables per job;
//! - no helper program is executed first (util-linux's `setpriv` and
//!   `prlimit` cost two more `execve`s, each with its dynamic loading: two
//!   thirds of the CPU time of starting `/bin/true`, measured).
//!
//! `posix_spawn` itself cannot change the account nor set limits, hence
//! this crate. The child shares the parent's memory until it executes the
//! program, so it must not allocate, lock or unwind: everything it uses
//! (C strings, pointer arrays, limits, a stack) is prepared before the
//! clone, and it makes only raw, async-signal-safe system calls. The
//! account is changed with the raw `setgroups`/`setresgid`/`setresuid`
//! system calls, not glibc's wrappers, which would signal every thread of
//! the (shared) process to change theirs too. Signals are blocked in the
//! parent's thread around the clone; the child resets every handler to the
//! default before unblocking, so no handler of the server ever runs on the
//! child's stack. A step that fails is reported to the parent through the
//! shared memory ([`SpawnError`]: which step, which `errno`) and the child
//! exits with 127 (reaped here before returning).
//!
//! This is the one crate of the workspace with unsafe code; its API is
//! safe.

#[cfg(not(all(
    target_os = "linux",
    target_env = "gnu",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
compile_error!("habilis-spawn knows the system calls of Linux (glibc) on x86-64 and aarch64 only");

use std::ffi::{CString, OsStr};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicI32, Ordering};

/// A limit set on the process (soft and hard alike), inherited by its
/// children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `RLIMIT_AS`: the address space, in bytes.
    AddressSpace(u64),
    /// `RLIMIT_CPU`: CPU time, in seconds.
    CpuSeconds(u64),
}

/// The account a process runs as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Account {
    pub uid: u32,
    pub gid: u32,
}

/// What to start.
pub struct Spec<'a> {
    /// The file to execute (a path: no search on `PATH` here).
    pub program: &'a Path,
    /// The arguments, `argv[0]` first.
    pub argv: &'a [&'a OsStr],
    /// The whole environment (nothing of the server's is passed on).
    pub env: &'a [(&'a OsStr, &'a OsStr)],
    /// The working directory, entered before the account changes.
    pub cwd: &'a Path,
    /// Standard input, output and error.
    pub stdio: [BorrowedFd<'a>; 3],
    /// `None`: the server's own account.
    pub account: Option<Account>,
    pub limits: &'a [Limit],
    /// A process group of its own (`setpgid(0, 0)`), so that the group can
    /// be signalled as a whole.
    pub new_process_group: bool,
}

/// The step of the child that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    ProcessGroup,
    Stdio,
    WorkingDirectory,
    Limit,
    Groups,
    Gid,
    Uid,
    Execute,
}

impl Step {
    fn code(self) -> i32 {
        self as i32 + 1
    }

    fn from_code(code: i32) -> Option<Step> {
        const ALL: [Step; 8] = [
            Step::ProcessGroup,
            Step::Stdio,
            Step::WorkingDirectory,
            Step::Limit,
            Step::Groups,
            Step::Gid,
            Step::Uid,
            Step::Execute,
        ];
        ALL.into_iter().find(|s| s.code() == code)
    }

    fn what(self) -> &'static str {
        match self {
            Step::ProcessGroup => "create its process group",
            Step::Stdio => "set its standard streams",
            Step::WorkingDirectory => "enter its working directory",
            Step::Limit => "set its resource limits",
            Step::Groups => "clear its supplementary groups",
            Step::Gid => "change its group",
            Step::Uid => "change its user",
            Step::Execute => "execute",
        }
    }
}

/// Why a process did not start.
#[derive(Debug)]
pub enum SpawnError {
    /// A string of the spec holds a NUL byte.
    Nul(&'static str),
    /// `clone` itself failed (no process was created).
    Clone(std::io::Error),
    /// The child failed at `step`; it has exited and been reaped.
    Child { step: Step, error: std::io::Error },
}

impl std::fmt::Display for SpawnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpawnError::Nul(what) => write!(f, "the {what} holds a NUL byte"),
            SpawnError::Clone(e) => write!(f, "no process could be created: {e}"),
            SpawnError::Child { step, error } => {
                write!(f, "the process could not {}: {error}", step.what())
            }
        }
    }
}

impl std::error::Error for SpawnError {}

/// A NUL-terminated array of pointers into `strings` (which must outlive
/// it and not move: the `CString`s' buffers are on the heap).
fn pointers(strings: &[CString]) -> Vec<*const libc::c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

fn c_string(bytes: &[u8], what: &'static str) -> Result<CString, SpawnError> {
    CString::new(bytes).map_err(|_| SpawnError::Nul(what))
}

/// Everything the child reads, prepared by the parent; and where the
/// child writes how it failed.
struct Child {
    program: CString,
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
    cwd: CString,
    stdio: [libc::c_int; 3],
    account: Option<Account>,
    limits: Vec<(libc::__rlimit_resource_t, libc::rlimit)>,
    new_process_group: bool,
    /// The default disposition every signal is reset to.
    default_action: KernelSigaction,
    /// The failed step's code (0: none) and its `errno`.
    failed_step: AtomicI32,
    errno: AtomicI32,
}

/// The kernel's `struct sigaction` on x86-64 and aarch64 Linux (not
/// glibc's, whose mask is 128 bytes): handler, flags, restorer, a 64-bit
/// mask.
#[repr(C)]
struct KernelSigaction {
    handler: libc::sighandler_t,
    flags: libc::c_ulong,
    restorer: libc::sighandler_t,
    mask: u64,
}

/// The size of the kernel's signal set.
const KERNEL_SIGSET_BYTES: libc::c_long = 8;

/// The child's stack: glibc's `posix_spawn` uses 32 KiB plus room for the
/// arguments, which this child does not copy.
const STACK: usize = 64 * 1024;

/// The highest signal number plus one (Linux: 64 signals).
const NSIG: libc::c_int = 65;

/// Starts the process of `spec`; answers its pid once it executes the
/// program (the caller waits for it, e.g. with `waitpid`).
pub fn spawn(spec: &Spec<'_>) -> Result<i32, SpawnError> {
    let program = c_string(spec.program.as_os_str().as_bytes(), "program")?;
    let argv: Vec<CString> = spec
        .argv
        .iter()
        .map(|a| c_string(a.as_bytes(), "argument"))
        .collect::<Result<_, _>>()?;
    let env: Vec<CString> = spec
        .env
        .iter()
        .map(|(k, v)| {
            let mut kv = Vec::with_capacity(k.len() + v.len() + 1);
            kv.extend_from_slice(k.as_bytes());
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            c_string(&kv, "environment")
        })
        .collect::<Result<_, _>>()?;
    let cwd = c_string(spec.cwd.as_os_str().as_bytes(), "working directory")?;
    let limits = spec
        .limits
        .iter()
        .map(|l| {
            let (resource, value) = match *l {
                Limit::AddressSpace(v) => (libc::RLIMIT_AS, v),
                Limit::CpuSeconds(v) => (libc::RLIMIT_CPU, v),
            };
            (
                resource,
                libc::rlimit {
                    rlim_cur: value,
                    rlim_max: value,
                },
            )
        })
        .collect();
    let default_action = KernelSigaction {
        handler: libc::SIG_DFL,
        flags: 0,
        restorer: 0,
        mask: 0,
    };
    let child = Child {
        argv: pointers(&argv),
        envp: pointers(&env),
        program,
        cwd,
        stdio: spec.stdio.map(|fd| fd.as_raw_fd()),
        account: spec.account,
        limits,
        new_process_group: spec.new_process_group,
        default_action,
        failed_step: AtomicI32::new(0),
        errno: AtomicI32::new(0),
    };
    let mut stack = vec![0_u8; STACK];
    let pid = clone_vfork(&child, &mut stack)?;
    // The child has executed the program or exited: `argv`, `env`,
    // `child` and `stack` are no longer used by it.
    drop(stack);
    drop((argv, env));
    match Step::from_code(child.failed_step.load(Ordering::Acquire)) {
        None => Ok(pid),
        Some(step) => {
            reap(pid);
            Err(SpawnError::Child {
                step,
                error: std::io::Error::from_raw_os_error(child.errno.load(Ordering::Acquire)),
            })
        }
    }
}

/// Waits for the child that failed (it exits at once).
fn reap(pid: i32) {
    let mut status = 0;
    loop {
        // SAFETY: `waitpid` on our own child, writing into a local.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r != -1 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return;
        }
    }
}

/// Blocks every signal in this thread, clones the child on `stack` sharing
/// this memory (this thread sleeps until it executes or exits), restores
/// the mask.
fn clone_vfork(child: &Child, stack: &mut [u8]) -> Result<i32, SpawnError> {
    // SAFETY: sigset_t is plain data; `sigfillset` initialises it.
    let mut all: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to locals.
    unsafe {
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
    }
    // The top of the stack (it grows down), 16-byte aligned as the ABI
    // wants.
    let top = {
        let end = stack.as_mut_ptr_range().end as usize;
        (end & !15) as *mut libc::c_void
    };
    let arg = std::ptr::from_ref(child).cast_mut().cast::<libc::c_void>();
    // SAFETY: `run_child` only reads `*arg`, which outlives the call
    // (CLONE_VFORK: this thread resumes only after the child executed the
    // program or exited), writes only its atomics, runs on `stack`, which
    // is ours and unused meanwhile, and never returns into this frame;
    // signals are blocked, so no handler runs in the child before it
    // reset them all.
    let pid = unsafe {
        libc::clone(
            run_child,
            top,
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            arg,
        )
    };
    let error = std::io::Error::last_os_error();
    // SAFETY: restores the mask saved above.
    unsafe {
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
    }
    if pid == -1 {
        return Err(SpawnError::Clone(error));
    }
    Ok(pid)
}

/// The child: system calls only, on memory prepared by the parent.
extern "C" fn run_child(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `arg` is the `&Child` given to `clone`, alive and unchanged
    // while the parent sleeps.
    let c: &Child = unsafe { &*arg.cast::<Child>() };
    let fail = |step: Step| -> ! {
        // SAFETY: reads this thread's errno (the parent thread's TLS, which
        // is asleep), then `_exit`, which runs no handler and no destructor.
        unsafe {
            c.errno.store(*libc::__errno_location(), Ordering::Release);
            c.failed_step.store(step.code(), Ordering::Release);
            libc::_exit(127)
        }
    };
    // SAFETY: every call below is an async-signal-safe system call on
    // memory the parent prepared and keeps alive (see `spawn`).
    unsafe {
        // The server's handlers must never run here; the program starts
        // with every signal at its default (SIGPIPE included, which Rust
        // programs ignore) and none blocked. SIGKILL and SIGSTOP refuse:
        // nothing to do for them.
        // The raw system call: glibc's wrapper refuses its own two
        // real-time signals, which may arrive ignored from the server's
        // parent.
        for sig in 1..NSIG {
            libc::syscall(
                libc::SYS_rt_sigaction,
                libc::c_long::from(sig),
                &c.default_action,
                std::ptr::null_mut::<KernelSigaction>(),
                KERNEL_SIGSET_BYTES,
            );
        }
        let none: u64 = 0;
        libc::syscall(
            libc::SYS_rt_sigprocmask,
            libc::c_long::from(libc::SIG_SETMASK),
            &none,
            std::ptr::null_mut::<u64>(),
            KERNEL_SIGSET_BYTES,
        );
        if c.new_process_group && libc::setpgid(0, 0) == -1 {
            fail(Step::ProcessGroup);
        }
        for (to, &from) in c.stdio.iter().enumerate() {
            let to = to as libc::c_int;
            let ok = if from == to {
                // Already in place: only its close-on-exec flag to clear.
                libc::fcntl(from, libc::F_SETFD, 0) != -1
            } else {
                libc::dup2(from, to) != -1
            };
            if !ok {
                fail(Step::Stdio);
            }
        }
        if libc::chdir(c.cwd.as_ptr()) == -1 {
            fail(Step::WorkingDirectory);
        }
        for (resource, value) in &c.limits {
            if libc::setrlimit(*resource, value) == -1 {
                fail(Step::Limit);
            }
        }
        if let Some(a) = c.account {
            // Raw system calls: glibc's wrappers would make every thread of
            // the process (the server's, shared with this child) change.
            let (uid, gid) = (libc::c_long::from(a.uid), libc::c_long::from(a.gid));
            if libc::syscall(
                libc::SYS_setgroups,
                0 as libc::c_long,
                std::ptr::null::<libc::gid_t>(),
            ) == -1
            {
                fail(Step::Groups);
            }
            if libc::syscall(libc::SYS_setresgid, gid, gid, gid) == -1 {
                fail(Step::Gid);
            }
            if libc::syscall(libc::SYS_setresuid, uid, uid, uid) == -1 {
                fail(Step::Uid);
            }
        }
        libc::execve(c.program.as_ptr(), c.argv.as_ptr(), c.envp.as_ptr());
        fail(Step::Execute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::os::fd::AsFd;

    fn wait(pid: i32) -> i32 {
        let mut status = 0;
        // SAFETY: our own child.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(r, pid);
        assert!(libc::WIFEXITED(status), "status {status}");
        libc::WEXITSTATUS(status)
    }

    struct Run {
        dir: tempfile::TempDir,
        null: File,
        out: File,
    }

    fn setup() -> Run {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o777),
        )
        .expect("chmod");
        let out = File::create(dir.path().join("out")).expect("out");
        let null = File::open("/dev/null").expect("null");
        Run { dir, null, out }
    }

    fn spec<'a>(r: &'a Run, program: &'a Path, argv: &'a [&'a OsStr]) -> Spec<'a> {
        Spec {
            program,
            argv,
            env: &[],
            cwd: r.dir.path(),
            stdio: [r.null.as_fd(), r.out.as_fd(), r.out.as_fd()],
            account: None,
            limits: &[],
            new_process_group: true,
        }
    }

    fn os(s: &[&'static str]) -> Vec<&'static OsStr> {
        s.iter().map(|a| OsStr::new(*a)).collect()
    }

    #[test]
    fn the_program_runs_with_its_argv_env_directory_limits_and_group() {
        let r = setup();
        let argv = os(&[
            "sh",
            "-c",
            "echo \"$GREETING\"; pwd; ulimit -v; ulimit -t; \
             [ \"$(cut -d' ' -f5 /proc/$$/stat)\" = \"$$\" ] && echo leader; \
             exec grep -E '^Sig(Blk|Ign)' /proc/self/status",
        ]);
        let env = [
            (OsStr::new("GREETING"), OsStr::new("bonjour")),
            (OsStr::new("PATH"), OsStr::new("/usr/bin:/bin")),
        ];
        let limits = [Limit::AddressSpace(512 << 20), Limit::CpuSeconds(30)];
        let mut s = spec(&r, Path::new("/bin/sh"), &argv);
        s.env = &env;
        s.limits = &limits;
        let pid = spawn(&s).expect("spawn");
        assert_eq!(wait(pid), 0);
        let out = std::fs::read_to_string(r.dir.path().join("out")).expect("out");
        let dir = r.dir.path().canonicalize().expect("canonical");
        assert_eq!(
            out,
            format!(
                "bonjour\n{}\n{}\n30\nleader\n\
                 SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n",
                dir.display(),
                512 * 1024
            )
        );
        let argv = os(&["sh", "-c", "exit 7"]);
        let pid = spawn(&spec(&r, Path::new("/bin/sh"), &argv)).expect("spawn");
        assert_eq!(wait(pid), 7, "the exit code");
    }

    #[test]
    fn as_root_the_account_changes_and_the_groups_are_cleared() {
        // SAFETY: no arguments, no memory.
        if unsafe { libc::geteuid() } != 0 {
            return;
        }
        let r = setup();
        let argv = os(&["sh", "-c", "id -u; id -g; id -G"]);
        let mut s = spec(&r, Path::new("/bin/sh"), &argv);
        s.account = Some(Account {
            uid: 65534,
            gid: 65534,
        });
        let env = [(OsStr::new("PATH"), OsStr::new("/usr/bin:/bin"))];
        s.env = &env;
        assert_eq!(wait(spawn(&s).expect("spawn")), 0);
        let out = std::fs::read_to_string(r.dir.path().join("out")).expect("out");
        assert_eq!(out, "65534\n65534\n65534\n");
    }

    #[test]
    fn each_failure_names_its_step_and_its_cause() {
        let r = setup();
        let argv = os(&["nothing"]);
        match spawn(&spec(&r, Path::new("/no/such/program"), &argv)) {
            Err(
                e @ SpawnError::Child {
                    step: Step::Execute,
                    ..
                },
            ) => {
                assert_eq!(
                    e.to_string(),
                    "the process could not execute: No such file or directory (os error 2)"
                );
            }
            other => panic!("{other:?}"),
        }
        // Not executable.
        let out = r.dir.path().join("out");
        assert!(matches!(
            spawn(&spec(&r, &out, &argv)),
            Err(SpawnError::Child {
                step: Step::Execute,
                ..
            })
        ));
        let mut s = spec(&r, Path::new("/bin/true"), &argv);
        let gone = r.dir.path().join("gone");
        s.cwd = &gone;
        assert!(matches!(
            spawn(&s),
            Err(SpawnError::Child {
                step: Step::WorkingDirectory,
                ..
            })
        ));
        let bad = [OsStr::new("a\0b")];
        assert!(matches!(
            spawn(&spec(&r, Path::new("/bin/true"), &bad)),
            Err(SpawnError::Nul("argument"))
        ));
    }

    #[test]
    fn many_processes_start_from_many_threads_at_once() {
        let r = setup();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let argv = os(&["true"]);
                    for _ in 0..25 {
                        let pid = spawn(&spec(&r, Path::new("/bin/true"), &argv)).expect("spawn");
                        assert_eq!(wait(pid), 0);
                    }
                });
            }
        });
    }
}

//! What happens when layoutlab is stopped: the profiling children die with it and the
//! temporary files it was writing are removed.
//!
//! A run registers each child process it starts and each temporary file it writes; on
//! SIGINT, SIGTERM or SIGHUP a watcher thread kills the children, removes the files and
//! exits with 128 + the signal's number. SIGKILL cannot be caught, so children also ask the
//! kernel to kill them when their parent dies ([`die_with_parent`]), and leftovers of a
//! killed run are removed by the next one (see `crate::report`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static CHILDREN: Mutex<Vec<u32>> = Mutex::new(Vec::new());
static PATHS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts the watcher thread (once per process; later calls do nothing).
pub(crate) fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                clean_up();
                std::process::exit(128 + signal);
            }
        });
    });
}

/// Kills every registered child and removes every registered path.
fn clean_up() {
    for pid in lock(&CHILDREN).drain(..) {
        kill(pid);
    }
    for path in lock(&PATHS).drain(..) {
        // A directory is a child's private scratch space (callgrind's dumps).
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}

/// Sends SIGKILL to the process group led by `pid`: a registered child, which runs in a
/// group of its own so that whatever it started goes with it.
pub fn kill(pid: u32) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // SAFETY: `kill(2)` takes two integers and touches no memory of ours; a group that
        // no longer exists only makes it return ESRCH, which is ignored.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// A registered child process; unregistered when dropped.
#[derive(Debug)]
pub(crate) struct ChildGuard(u32);

impl ChildGuard {
    pub(crate) fn new(pid: u32) -> ChildGuard {
        lock(&CHILDREN).push(pid);
        ChildGuard(pid)
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        lock(&CHILDREN).retain(|&p| p != self.0);
    }
}

/// A registered temporary file (or directory), removed on a signal; unregistered (not
/// removed) when dropped, since by then it has been renamed into place or removed by its
/// writer.
#[derive(Debug)]
pub(crate) struct PathGuard(PathBuf);

impl PathGuard {
    pub(crate) fn new(path: &Path) -> PathGuard {
        lock(&PATHS).push(path.to_path_buf());
        PathGuard(path.to_path_buf())
    }
}

impl Drop for PathGuard {
    fn drop(&mut self) {
        lock(&PATHS).retain(|p| *p != self.0);
    }
}

/// A fresh directory under the system's temporary directory, named `<prefix>-<pid>-<n>`,
/// removed with its files when dropped, and by the signal handler if layoutlab is stopped
/// meanwhile.
#[derive(Debug)]
pub(crate) struct TempDir {
    path: PathBuf,
    _registered: PathGuard,
}

impl TempDir {
    /// Makes the directory.
    ///
    /// # Errors
    ///
    /// If it cannot be created (`Err` names the path it tried).
    pub(crate) fn new(prefix: &str) -> Result<TempDir, (PathBuf, std::io::Error)> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let base = std::env::temp_dir();
        loop {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = base.join(format!("{prefix}-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => {
                    return Ok(TempDir {
                        _registered: PathGuard::new(&path),
                        path,
                    })
                }
                // Left over from an earlier process with the same id: take the next name.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err((path, error)),
            }
        }
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover directory in the temporary directory is not worth failing
        // a measurement for.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Makes `command`'s process die with this one: the kernel sends it SIGKILL when the thread
/// that started it ends (even by SIGKILL, which this process cannot catch), and it exits at
/// once if this process is gone before that takes effect. A no-op outside Linux.
pub(crate) fn die_with_parent(command: &mut std::process::Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id();
        let before_exec = move || {
            // Between fork and exec only async-signal-safe calls may run: these two are.
            // SAFETY: `prctl(PR_SET_PDEATHSIG, sig)` and `getppid()` take and return plain
            // integers and touch no memory of ours.
            unsafe {
                libc::prctl(
                    libc::PR_SET_PDEATHSIG,
                    libc::SIGKILL as libc::c_ulong,
                    0,
                    0,
                    0,
                );
                if u32::try_from(libc::getppid()) != Ok(parent) {
                    libc::_exit(1);
                }
            }
            Ok(())
        };
        // SAFETY: the closure only makes the async-signal-safe calls above (no allocation,
        // no locks), as `pre_exec` requires of code that runs in the forked child.
        unsafe {
            command.pre_exec(before_exec);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

/// Whether a process with this id is running (on Linux; elsewhere: assumed so).
pub(crate) fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

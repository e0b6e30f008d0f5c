//! Child processes that measure one layout each, started by the timing process after its
//! timed runs: how one is started, bounded and judged, and how a few run at once.
//!
//! A child gets a time limit that grows with the records it processes, and what it prints
//! is read up to a cap, so a child that hangs or prints without end fails on its own instead
//! of hanging the run. Children die with their parent (see [`crate::interrupt`]). A failed
//! child is a [`ChildFailure`] for its layout alone; its own error line reaches the user.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::interrupt::{self, ChildGuard};

/// Environment variable that overrides every child's time limit, in seconds (for tests and
/// for very slow machines).
pub(crate) const TIMEOUT_ENV: &str = "LAYOUTLAB_CHILD_TIMEOUT";

/// Most bytes read from a child's stdout (its report is a few kilobytes).
const STDOUT_CAP: usize = 16 << 20;
/// Most bytes of a child's stderr kept (the end of it, where its error is).
const STDERR_KEEP: usize = 64 << 10;

/// How to start one child.
#[derive(Debug, Clone)]
pub(crate) struct ChildCommand {
    /// The program (this executable, a user's bench binary, or valgrind).
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Extra environment variables.
    pub env: Vec<(OsString, OsString)>,
    /// Start from an empty environment (then `env` is all it gets).
    /// A callgrind child needs it: the environment's size moves its stack, and with it the
    /// cache misses it counts (see `crate::measure::costs`).
    pub clear_env: bool,
    /// The working directory, if not this process's.
    pub dir: Option<PathBuf>,
    /// How long it may run.
    pub timeout: Duration,
}

impl ChildCommand {
    /// `program` with `args` and the extra `env`, in this process's environment and
    /// directory, stopped after `timeout`.
    pub(crate) fn new(
        program: PathBuf,
        args: Vec<OsString>,
        env: Vec<(OsString, OsString)>,
        timeout: Duration,
    ) -> ChildCommand {
        ChildCommand {
            program,
            args,
            env,
            clear_env: false,
            dir: None,
            timeout,
        }
    }
}

/// The time limit of a child that processes `records` records: generous (dhat's slowest
/// layout needs about 22 µs a record, callgrind about 50), so that only a hung child hits it.
pub(crate) fn timeout_for(records: u64) -> Duration {
    if let Some(secs) = std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
    {
        return Duration::from_secs_f64(secs);
    }
    Duration::from_secs(120)
        + Duration::from_micros(200).saturating_mul(u32::try_from(records).unwrap_or(u32::MAX))
}

/// Why a child gave no figures.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChildFailure {
    /// It could not be started.
    #[error("could not start the profiling child {program}: {error}")]
    Spawn {
        /// The program that was to run.
        program: String,
        /// Why it did not.
        error: io::Error,
    },
    /// It exited unsuccessfully or was killed.
    #[error("the profiling child failed ({status}): {message}")]
    Failed {
        /// How it ended.
        status: ExitStatus,
        /// Its own error line.
        message: String,
    },
    /// It ran past its time limit and was killed.
    #[error("the profiling child ran longer than its limit of {} s and was stopped (set {TIMEOUT_ENV} to allow more)", .limit.as_secs())]
    TimedOut {
        /// The limit.
        limit: Duration,
    },
    /// It printed more than a report.
    #[error("the profiling child printed more than {} MiB on stdout and was stopped", STDOUT_CAP >> 20)]
    TooMuchOutput,
    /// Its stdout was not a report.
    #[error("the profiling child printed no valid report: {0}")]
    Output(serde_json::Error),
    /// Its run does not match the timed runs.
    #[error(
        "the profiling child ran a different workload: {child} where the timed runs had {timed}"
    )]
    Mismatch {
        /// What the child reported.
        child: String,
        /// What the timed runs reported.
        timed: String,
    },
}

/// The line of a failed child's stderr that says what went wrong: its own `error:` line, a
/// panic message, or else the last line that is not a profiler's chatter.
fn error_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let own = lines.iter().rev().find(|l| l.contains("error:"));
    let panic = lines
        .iter()
        .position(|l| l.contains("panicked at"))
        .map(|i| {
            lines[i..]
                .iter()
                .take(2)
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        });
    let last = lines
        .iter()
        .rev()
        .find(|l| !l.starts_with("dhat:") && !l.starts_with("==") && !l.starts_with("note:"));
    let line = own
        .map(|l| (*l).to_owned())
        .or(panic)
        .or(last.map(|l| (*l).to_owned()))
        .unwrap_or_else(|| "(no message)".to_owned());
    let line = line.strip_prefix("layoutlab: ").unwrap_or(&line).to_owned();
    crate::format::one_line(&line)
}

/// Reads up to `cap` bytes; `Err(())` if there was more.
fn read_capped(mut from: impl Read, cap: usize) -> Result<Vec<u8>, ()> {
    let mut out = Vec::new();
    let mut chunk = [0u8; 64 << 10];
    loop {
        match from.read(&mut chunk) {
            Ok(0) | Err(_) => return Ok(out),
            Ok(n) if out.len() + n > cap => return Err(()),
            Ok(n) => out.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Reads everything, keeping the last `keep` bytes.
fn read_tail(mut from: impl Read, keep: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chunk = [0u8; 64 << 10];
    while let Ok(n) = from.read(&mut chunk) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&chunk[..n]);
        if out.len() > 2 * keep {
            out.drain(..out.len() - keep);
        }
    }
    if out.len() > keep {
        out.drain(..out.len() - keep);
    }
    out
}

/// Runs one child to the end and returns its stdout.
pub fn run(command: &ChildCommand) -> Result<Vec<u8>, ChildFailure> {
    let mut child = Command::new(&command.program);
    // A group of its own, so that a child that is stopped takes with it whatever it started
    // (which would otherwise keep its output open, and this run waiting).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut child, 0);
    interrupt::die_with_parent(&mut child);
    if command.clear_env {
        child.env_clear();
    }
    if let Some(dir) = &command.dir {
        child.current_dir(dir);
    }
    let mut child = child
        .args(&command.args)
        .envs(command.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| ChildFailure::Spawn {
            program: crate::format::one_line(&command.program.to_string_lossy()),
            error,
        })?;
    let _registered = ChildGuard::new(child.id());
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let started = Instant::now();
    let overflow = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let out = scope.spawn(|| {
            let read = stdout.map_or(Ok(Vec::new()), |s| read_capped(s, STDOUT_CAP));
            if read.is_err() {
                overflow.store(true, Ordering::Relaxed);
            }
            read
        });
        let err = scope.spawn(move || stderr.map_or(Vec::new(), |s| read_tail(s, STDERR_KEEP)));
        let mut stopped = None;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) => {
                    if overflow.load(Ordering::Relaxed) {
                        stopped = Some(ChildFailure::TooMuchOutput);
                    } else if started.elapsed() > command.timeout {
                        stopped = Some(ChildFailure::TimedOut {
                            limit: command.timeout,
                        });
                    }
                    if stopped.is_some() {
                        interrupt::kill(child.id());
                        break child.wait().ok();
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => break None,
            }
        };
        let out = out.join().unwrap_or(Err(()));
        let err = err.join().unwrap_or_default();
        if let Some(failure) = stopped {
            return Err(failure);
        }
        let Ok(stdout) = out else {
            return Err(ChildFailure::TooMuchOutput);
        };
        match status {
            Some(status) if status.success() => Ok(stdout),
            status => Err(ChildFailure::Failed {
                status: status.unwrap_or_else(failed_status),
                message: error_line(&String::from_utf8_lossy(&err)),
            }),
        }
    })
}

#[cfg(unix)]
fn failed_status() -> ExitStatus {
    use std::os::unix::process::ExitStatusExt;
    ExitStatus::from_raw(1 << 8)
}

#[cfg(not(unix))]
fn failed_status() -> ExitStatus {
    Command::new("false").status().expect("`false` runs")
}

/// Runs `task(i)` for every `i` in `order`, `jobs` at a time, and returns the results in
/// `order`'s order; `done` is called after each.
pub(crate) fn pool<T: Send>(
    order: &[usize],
    jobs: usize,
    task: impl Fn(usize) -> T + Sync,
    done: impl Fn(usize) + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new(order.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, order.len().max(1)) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(&i) = order.get(k) else { break };
                let out = task(i);
                results.lock().unwrap_or_else(|e| e.into_inner())[k] = Some(out);
                done(i);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| unreachable!("every index is taken once")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_line_is_the_childs_own() {
        let stderr = "dhat: Total: 5 bytes\nlayoutlab: error: bad.csv: line 3: field `value`: x\n";
        assert_eq!(
            error_line(stderr),
            "error: bad.csv: line 3: field `value`: x"
        );
        let panic =
            "thread 'main' panicked at src/x.rs:1:2:\nboom\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            error_line(panic),
            "thread 'main' panicked at src/x.rs:1:2: boom"
        );
        assert_eq!(error_line("simulated crash\n"), "simulated crash");
        assert_eq!(error_line(""), "(no message)");
    }

    #[test]
    fn pool_keeps_order() {
        let out = pool(&[2, 0, 1], 2, |i| i * 10, |_| {});
        assert_eq!(out, [20, 0, 10]);
    }

    #[cfg(unix)]
    #[test]
    fn a_hanging_child_is_stopped_and_a_chatty_one_capped() {
        let sh = |script: &str, secs: f64| ChildCommand {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), script.into()],
            env: Vec::new(),
            clear_env: false,
            dir: None,
            timeout: Duration::from_secs_f64(secs),
        };
        assert!(matches!(
            run(&sh("sleep 30", 0.3)),
            Err(ChildFailure::TimedOut { .. })
        ));
        assert!(matches!(
            run(&sh("yes", 30.0)),
            Err(ChildFailure::TooMuchOutput)
        ));
        assert_eq!(run(&sh("echo ok", 5.0)).unwrap(), b"ok\n");
        let failed = run(&sh("echo 'layoutlab: error: no' >&2; exit 3", 5.0)).unwrap_err();
        assert!(failed.to_string().contains("error: no"), "{failed}");
    }
}

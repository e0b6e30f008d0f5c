//! The timing process's side of heap profiling: one child process per layout, a few at a
//! time, each running `layoutlab profile-heap`. Call it only after every timed run has
//! finished, so that no timing overlaps a child.
//!
//! A child that fails (crashes, is killed, prints nonsense, or measured something other
//! than the timed runs did) is a [`ChildFailure`] for that layout alone; the others are
//! still reported.

use std::ffi::OsString;
use std::io;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::ProgressBar;

use super::ChildReport;
use crate::results::{LayoutResult, MemorySummary};
use crate::source::SourceSpec;

/// The hidden subcommand a profiling child runs. `main` checks for it before anything else,
/// to switch the allocator to tracking.
pub const CHILD_COMMAND: &str = "profile-heap";

/// Environment variable naming the program to run as the profiling child instead of this
/// executable, e.g. a wrapper script (the tests use one to make a child fail).
pub const CHILD_PROGRAM_ENV: &str = "LAYOUTLAB_HEAP_CHILD";

/// Default directory for dhat profiles, relative to the working directory (the repository
/// root under `cargo run`).
pub const DEFAULT_PROFILE_DIR: &str = "target/dhat";

/// How the children run.
#[derive(Debug, Clone)]
pub struct ChildPlan<'a> {
    /// The workload, exactly as the timed runs read it.
    pub source: &'a SourceSpec,
    /// The rolling window.
    pub window: NonZeroUsize,
    /// Where dhat profiles go (one file per layout); `None` saves none.
    pub profile_dir: Option<&'a Path>,
    /// Children running at once (at least 1).
    pub jobs: usize,
}

/// Why one layout's heap figures are missing.
#[derive(Debug, thiserror::Error)]
pub enum ChildFailure {
    /// The child could not be started.
    #[error("could not start the profiling child {program}: {error}", program = .program.display())]
    Spawn {
        /// The program that was to run.
        program: PathBuf,
        /// Why it did not.
        error: io::Error,
    },
    /// The child exited unsuccessfully or was killed.
    #[error("the profiling child failed ({status}): {message}")]
    Failed {
        /// How it ended.
        status: ExitStatus,
        /// The last line it wrote on stderr.
        message: String,
    },
    /// The child's stdout was not a report.
    #[error("the profiling child printed no valid report: {0}")]
    Output(serde_json::Error),
    /// The child's run does not match the timed runs.
    #[error(
        "the profiling child ran a different workload: {child} where the timed runs had \
         {timed}"
    )]
    Mismatch {
        /// What the child reported.
        child: String,
        /// What the timed runs reported.
        timed: String,
    },
}

/// The dhat profile file of `layout` for this workload: `<dir>/<layout>-<records>.json` for
/// generated readings, `<dir>/<layout>-<file stem>.json` for a CSV file.
pub fn profile_file(dir: &Path, layout: &str, source: &SourceSpec) -> PathBuf {
    let workload = match source {
        SourceSpec::Generated(g) => g.records.to_string(),
        SourceSpec::Csv { path, .. } => path
            .file_stem()
            .map(|s| {
                s.to_string_lossy()
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect()
            })
            .unwrap_or_else(|| "input".to_owned()),
    };
    dir.join(format!("{layout}-{workload}.json"))
}

/// The command line of the child for `layout`.
pub fn child_args(layout: &str, plan: &ChildPlan<'_>) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![CHILD_COMMAND.into(), "--layout".into(), layout.into()];
    match plan.source {
        SourceSpec::Generated(g) => {
            for (flag, value) in [
                ("--records", g.records.to_string()),
                ("--sensors", g.sensors.to_string()),
                ("--seed", g.seed.to_string()),
            ] {
                args.push(flag.into());
                args.push(value.into());
            }
        }
        SourceSpec::Csv {
            path, skip_invalid, ..
        } => {
            args.push("--input".into());
            args.push(path.into());
            if *skip_invalid {
                args.push("--skip-invalid".into());
            }
        }
    }
    args.push("--window".into());
    args.push(plan.window.to_string().into());
    if let Some(dir) = plan.profile_dir {
        args.push("--profile".into());
        args.push(profile_file(dir, layout, plan.source).into());
    }
    args
}

/// The program to run as a child: `$LAYOUTLAB_HEAP_CHILD`, or this executable.
pub fn child_program() -> io::Result<PathBuf> {
    match std::env::var_os(CHILD_PROGRAM_ENV) {
        Some(program) if !program.is_empty() => Ok(program.into()),
        _ => std::env::current_exe(),
    }
}

/// Runs one child for `layout` and returns its report.
pub fn profile_one(layout: &str, plan: &ChildPlan<'_>) -> Result<ChildReport, ChildFailure> {
    let program = child_program().map_err(|error| ChildFailure::Spawn {
        program: PathBuf::from("<this executable>"),
        error,
    })?;
    let output = Command::new(&program)
        .args(child_args(layout, plan))
        .stdin(Stdio::null())
        .output()
        .map_err(|error| ChildFailure::Spawn {
            program: program.clone(),
            error,
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr
            .lines()
            .rev()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with("dhat:"))
            .unwrap_or("(no message)")
            .to_owned();
        return Err(ChildFailure::Failed {
            status: output.status,
            message,
        });
    }
    serde_json::from_slice(&output.stdout).map_err(ChildFailure::Output)
}

/// Runs one child per layout, `plan.jobs` at a time, in the order given (put the slowest
/// first); returns their outcomes in the same order. `bar` counts finished children.
pub fn profile_all(
    layouts: &[&str],
    plan: &ChildPlan<'_>,
    bar: &ProgressBar,
) -> Vec<Result<ChildReport, ChildFailure>> {
    let next = AtomicUsize::new(0);
    let running: Mutex<Vec<&str>> = Mutex::new(Vec::new());
    let results: Mutex<Vec<Option<Result<ChildReport, ChildFailure>>>> =
        Mutex::new(layouts.iter().map(|_| None).collect());
    let show = |running: &[&str]| bar.set_message(format!("heap profile: {}", running.join(", ")));
    std::thread::scope(|scope| {
        for _ in 0..plan.jobs.clamp(1, layouts.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&layout) = layouts.get(i) else {
                    break;
                };
                {
                    let mut now = running.lock().unwrap_or_else(|e| e.into_inner());
                    now.push(layout);
                    show(&now);
                }
                let outcome = profile_one(layout, plan);
                {
                    let mut now = running.lock().unwrap_or_else(|e| e.into_inner());
                    now.retain(|&l| l != layout);
                    show(&now);
                }
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(outcome);
                bar.inc(1);
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| unreachable!("every index below the length is taken")))
        .collect()
}

/// Checks a child's report against what the timed runs of the same layout gave (the same
/// records, kept count and checksum), and returns its heap figures or why there are none.
pub fn checked(
    outcome: Result<ChildReport, ChildFailure>,
    layout: &str,
    records: u64,
    kept: u64,
    checksum: f64,
) -> Result<MemorySummary, ChildFailure> {
    outcome.and_then(|report| {
        let child = (report.records, report.kept, report.checksum.to_bits());
        let timed = (records, kept, checksum.to_bits());
        if child == timed && report.layout == layout {
            Ok(report.memory)
        } else {
            Err(ChildFailure::Mismatch {
                child: format!(
                    "{} with {} records, {} kept, checksum {}",
                    report.layout, report.records, report.kept, report.checksum
                ),
                timed: format!("{layout} with {records} records, {kept} kept, checksum {checksum}"),
            })
        }
    })
}

/// Checks a child's report against the layout's timed result (see [`checked`]) and attaches
/// its figures, or records why there are none.
pub fn attach(result: &mut LayoutResult, outcome: Result<ChildReport, ChildFailure>) {
    match checked(
        outcome,
        &result.layout,
        result.records,
        result.kept,
        result.checksum,
    ) {
        Ok(memory) => {
            result.memory = Some(memory);
            result.memory_error = None;
        }
        Err(failure) => {
            result.memory = None;
            result.memory_error = Some(failure.to_string());
        }
    }
}

//! The parent's side of deterministic costs: run one child under callgrind, read its dump
//! files, and turn them into [`Costs`].
//!
//! A [`Callgrind`] owns a private temporary directory for one child's dumps and wraps the
//! child's command (`layoutlab profile-costs --layout NAME <source flags> --window W`, or
//! any program that marks its stages with [`super::CallgrindMarks`]) as
//! `valgrind --tool=callgrind --cache-sim=yes --instr-atstart=no … ./layoutlab …`; the
//! child runs through [`crate::measure::children`] like every profiling child (time limit,
//! output cap, killed with its parent), and its dumps are read once it has exited and
//! removed with the directory. [`measure_layout`] does all of it for one built-in layout.
//!
//! # Why the child's environment is emptied
//!
//! Where the child's data lands in memory decides which cache sets it maps to, and so some
//! of its misses (never its instructions). valgrind places the client's stack and heap at
//! the same addresses every run, but the stack starts below the program's arguments, its
//! environment and its full path (copied for `AT_EXECFN`), and the heap holds the parsed
//! arguments. Measured at 20 000 records before this was fixed: one more 7-byte
//! environment variable moved `soa`'s ingest D1 misses by 1 %, a 3 000-byte one by 15 %,
//! and a copy of the binary in a longer directory moved every layout's misses by up to
//! 0.5 %. So the child starts from an empty environment, in its program's directory as
//! `./<name>`, with one variable that pads the program's path to a fixed length; paths in
//! its arguments must be absolute. Its counts then depend on the binary, its arguments
//! and the simulated caches only (checked: identical counts from three directories and
//! two environments).

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::child::{CostChildReport, CHILD_COMMAND};
use super::dump::DumpError;
use super::{client_request, Costs, SimulatedCaches};
use crate::interrupt::TempDir;
use crate::measure::children::{self, ChildCommand};
use crate::source::SourceSpec;

/// Environment variable naming the valgrind to run instead of `valgrind` on the `PATH`.
pub const VALGRIND_ENV: &str = "LAYOUTLAB_VALGRIND";

/// The child's environment variable that pads the program's path to [`PADDED_PATH`] bytes.
const PAD_ENV: &str = "LAYOUTLAB_COSTS_PAD";

/// `PATH_MAX` on Linux: no program path is longer.
const PADDED_PATH: usize = 4096;

/// Why a layout's costs could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum CostError {
    /// No valgrind to run: `--costs` is then a usage error.
    #[error(
        "valgrind is not installed; install it (Debian: apt-get install valgrind) to \
         measure costs"
    )]
    NotInstalled,
    /// Client requests have no implementation for this CPU (x86_64 only).
    #[error(
        "deterministic costs are not supported on this architecture ({arch}); they need \
         valgrind's client requests, implemented for x86_64 only"
    )]
    Unsupported {
        /// `std::env::consts::ARCH`.
        arch: &'static str,
    },
    /// The temporary directory for the dumps could not be made or read.
    #[error("{action} {dir}: {error}", dir = .dir.display())]
    TempDir {
        /// What was being done.
        action: &'static str,
        /// The directory.
        dir: PathBuf,
        /// Why it failed.
        error: io::Error,
    },
    /// The child failed, was stopped, or printed no report ([`measure_layout`] only; the
    /// session gets the child's failure as it is).
    #[error("{0}")]
    Child(String),
    /// A dump file did not read as callgrind writes them.
    #[error("callgrind dump {file}: {error}", file = .file.display())]
    Dump {
        /// The file.
        file: PathBuf,
        /// What was wrong.
        error: DumpError,
    },
    /// The dumps do not cover the run: a stage's dump is missing or repeated, or none names
    /// the caches.
    #[error("callgrind's dumps do not cover the run: {0}")]
    Dumps(String),
}

impl CostError {
    fn unsupported() -> CostError {
        CostError::Unsupported {
            arch: std::env::consts::ARCH,
        }
    }
}

/// The valgrind to run, as a path (the child's environment is emptied, so the `PATH` is
/// searched here): `$LAYOUTLAB_VALGRIND`, or `valgrind` on the `PATH`. `None` if there is
/// none.
fn valgrind_program() -> Option<PathBuf> {
    let program = match std::env::var_os(VALGRIND_ENV) {
        Some(program) if !program.is_empty() => PathBuf::from(program),
        _ => PathBuf::from("valgrind"),
    };
    if program.components().count() > 1 {
        return std::path::absolute(program).ok().filter(|p| p.is_file());
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(&program))
        .find(|candidate| candidate.is_file())
}

/// Whether costs can be measured here, and with which valgrind: its `--version` line
/// (`valgrind-3.19.0`). Call it once before measuring, to turn a missing valgrind into one
/// clear message up front.
///
/// # Errors
///
/// [`CostError::Unsupported`] off x86_64; [`CostError::NotInstalled`] if `valgrind` (or
/// `$LAYOUTLAB_VALGRIND`) cannot be found or does not answer `--version`.
pub fn valgrind_version() -> Result<String, CostError> {
    if !client_request::SUPPORTED {
        return Err(CostError::unsupported());
    }
    let valgrind = valgrind_program().ok_or(CostError::NotInstalled)?;
    let output = Command::new(valgrind)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|_| CostError::NotInstalled)?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if output.status.success() && version.starts_with("valgrind") {
        Ok(version)
    } else {
        Err(CostError::NotInstalled)
    }
}

/// valgrind's options for one child: the tool, the cache simulation, counting off until the
/// child's first mark, and where the dumps go (`<dumps>/callgrind.out.<pid>[.<part>]`).
fn valgrind_options(caches: Option<SimulatedCaches>, dumps: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "--tool=callgrind".into(),
        "--cache-sim=yes".into(),
        "--instr-atstart=no".into(),
        // Only the child's own stderr, and valgrind's errors.
        "--quiet".into(),
    ];
    let mut out_file = OsString::from("--callgrind-out-file=");
    out_file.push(dumps.join("callgrind.out.%p"));
    args.push(out_file);
    if let Some(caches) = caches {
        for (flag, c) in [
            ("--I1", caches.i1),
            ("--D1", caches.d1),
            ("--LL", caches.ll),
        ] {
            args.push(format!("{flag}={},{},{}", c.size_bytes.0, c.ways, c.line_bytes.0).into());
        }
    }
    args
}

/// One child's run under callgrind: where valgrind is, and the private directory its dumps
/// go to (removed when this is dropped, or if layoutlab is stopped by a signal).
#[derive(Debug)]
pub(crate) struct Callgrind {
    valgrind: PathBuf,
    dumps: TempDir,
}

impl Callgrind {
    /// Finds valgrind and makes the dump directory.
    ///
    /// # Errors
    ///
    /// [`CostError::Unsupported`] off x86_64, [`CostError::NotInstalled`] without valgrind,
    /// [`CostError::TempDir`] if the directory cannot be made.
    pub(crate) fn new() -> Result<Callgrind, CostError> {
        if !client_request::SUPPORTED {
            return Err(CostError::unsupported());
        }
        let valgrind = valgrind_program().ok_or(CostError::NotInstalled)?;
        Ok(Callgrind {
            valgrind,
            dumps: TempDir::new("layoutlab-costs").map_err(|(dir, error)| CostError::TempDir {
                action: "creating",
                dir,
                error,
            })?,
        })
    }

    /// `child` run under callgrind, simulating `caches` (`None`: the host's, as valgrind
    /// detects them), with the environment and directory that keep its counts independent
    /// of this process's (see the module's documentation): `child.env` is all the child's
    /// environment, it runs in its program's directory, and paths in `child.args` must be
    /// absolute.
    pub(crate) fn wrap(
        &self,
        child: ChildCommand,
        caches: Option<SimulatedCaches>,
    ) -> ChildCommand {
        let program = std::path::absolute(&child.program).unwrap_or(child.program);
        let dir = program.parent().map(Path::to_owned);
        let name = Path::new(".").join(program.file_name().unwrap_or(program.as_os_str()));
        let mut args = valgrind_options(caches, self.dumps.path());
        args.push(name.into());
        args.extend(child.args);
        let mut env = child.env;
        if let Some(lib) = std::env::var_os("VALGRIND_LIB") {
            env.push(("VALGRIND_LIB".into(), lib));
        }
        let path_len = std::fs::canonicalize(&program)
            .map_or(program.as_os_str().len(), |p| p.as_os_str().len());
        env.push((
            PAD_ENV.into(),
            "x".repeat(PADDED_PATH.saturating_sub(path_len)).into(),
        ));
        ChildCommand {
            program: self.valgrind.clone(),
            args,
            env,
            clear_env: true,
            dir,
            timeout: child.timeout,
        }
    }

    /// The costs in the dumps of a child that has exited successfully, for a run that
    /// ingested `records` records.
    ///
    /// # Errors
    ///
    /// If the dumps cannot be read, do not read as callgrind's, or do not cover the run.
    pub(crate) fn costs(&self, records: u64) -> Result<Costs, CostError> {
        super::assemble::read_dumps(self.dumps.path(), records)
    }
}

/// The command of the child that runs built-in `layout` once with stage marks
/// (`<program> profile-costs --layout NAME <source flags> --window W`), a CSV file by its
/// absolute path; `program` is this executable unless given.
pub(crate) fn builtin_child(
    layout: &str,
    source: &SourceSpec,
    window: std::num::NonZeroUsize,
    program: Option<&Path>,
) -> Result<ChildCommand, CostError> {
    let program = match program {
        Some(program) => Ok(program.to_owned()),
        None => std::env::current_exe(),
    }
    .map_err(|error| CostError::Child(format!("cannot find this executable: {error}")))?;
    let source = match source {
        SourceSpec::Csv {
            path,
            skip_invalid,
            fingerprint,
        } => SourceSpec::Csv {
            path: std::path::absolute(path).unwrap_or_else(|_| path.clone()),
            skip_invalid: *skip_invalid,
            fingerprint: *fingerprint,
        },
        generated => generated.clone(),
    };
    let mut args: Vec<OsString> = vec![CHILD_COMMAND.into(), "--layout".into(), layout.into()];
    let mut env = Vec::new();
    args.extend(crate::measure::child_args::source_args(
        &source, window, &mut env,
    ));
    let records = match &source {
        SourceSpec::Generated(g) => g.records,
        SourceSpec::Csv { .. } => 1_000_000,
    };
    // callgrind takes up to 90 µs of CPU a record (json_value, heap_map), and a loaded
    // machine stretches that: measured 314 s for heap_map at 1 000 000 records with 8
    // processes on 2 cores. Five times a heap child's allowance: 120 s + 1 ms a record.
    let timeout = children::timeout_for(records.saturating_mul(5));
    Ok(ChildCommand::new(program, args, env, timeout))
}

/// How to measure one built-in layout's costs with [`measure_layout`].
#[derive(Debug, Clone)]
pub struct CostPlan<'a> {
    /// The workload, exactly as the timed runs read it.
    pub source: &'a SourceSpec,
    /// The rolling window.
    pub window: std::num::NonZeroUsize,
    /// The caches to simulate; `None` lets valgrind copy the host's (then counts differ
    /// between machines). [`SimulatedCaches::TYPICAL`] unless there is a reason.
    pub caches: Option<SimulatedCaches>,
    /// The `layoutlab` executable to run as the child; `None` for this executable (tests
    /// pass `env!("CARGO_BIN_EXE_layoutlab")`).
    pub program: Option<&'a Path>,
}

/// One layout's costs and the child's report of its run.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredCosts {
    /// What the child ran: layout, records, kept, checksum (check them against the timed
    /// runs before trusting the costs).
    pub run: CostChildReport,
    /// The counts.
    pub costs: Costs,
}

/// Runs built-in `layout`'s pipeline once under callgrind, in a child process, and returns
/// its costs. Takes tens of times as long as the layout's native run.
///
/// # Errors
///
/// See [`CostError`]: no valgrind, not x86_64, the child failed or printed no report, or
/// its dumps are unreadable or incomplete.
pub fn measure_layout(layout: &str, plan: &CostPlan<'_>) -> Result<MeasuredCosts, CostError> {
    let callgrind = Callgrind::new()?;
    let child = builtin_child(layout, plan.source, plan.window, plan.program)?;
    let stdout = children::run(&callgrind.wrap(child, plan.caches))
        .map_err(|failure| CostError::Child(failure.to_string()))?;
    let run: CostChildReport = serde_json::from_slice(&stdout)
        .map_err(|e| CostError::Child(format!("the costs child printed no valid report: {e}")))?;
    let costs = callgrind.costs(run.records)?;
    Ok(MeasuredCosts { run, costs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_child_runs_under_callgrind_from_its_own_directory() {
        let Ok(callgrind) = Callgrind::new() else {
            println!("SKIPPED: no valgrind, or not x86_64");
            return;
        };
        let source = SourceSpec::Csv {
            path: "readings.csv".into(),
            skip_invalid: true,
            fingerprint: None,
        };
        let window = std::num::NonZeroUsize::new(4).unwrap();
        let child = builtin_child("soa", &source, window, Some(Path::new("/opt/x/layoutlab")));
        let wrapped = callgrind.wrap(child.unwrap(), Some(SimulatedCaches::TYPICAL));
        let args: Vec<String> = wrapped
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let dumps = callgrind.dumps.path().join("callgrind.out.%p");
        let csv = std::path::absolute("readings.csv").unwrap();
        assert_eq!(
            args,
            [
                "--tool=callgrind",
                "--cache-sim=yes",
                "--instr-atstart=no",
                "--quiet",
                &format!("--callgrind-out-file={}", dumps.display()),
                "--I1=32768,8,64",
                "--D1=32768,8,64",
                "--LL=8388608,16,64",
                "./layoutlab",
                "profile-costs",
                "--layout",
                "soa",
                "--input",
                &csv.to_string_lossy(),
                "--skip-invalid",
                "--window",
                "4",
            ]
        );
        assert_eq!(wrapped.program, callgrind.valgrind);
        assert_eq!(wrapped.dir.as_deref(), Some(Path::new("/opt/x")));
        assert!(wrapped.clear_env);
        // The path and its padding take the same room wherever the binary is.
        let pad = wrapped.env.iter().find(|(k, _)| k == PAD_ENV).unwrap();
        assert_eq!(pad.1.len() + "/opt/x/layoutlab".len(), PADDED_PATH);

        let host = builtin_child("soa", &source, window, None).unwrap();
        let host = callgrind.wrap(host, None);
        assert!(!host
            .args
            .iter()
            .any(|a| a.to_string_lossy().starts_with("--LL")));
    }

    #[test]
    fn the_dump_directory_goes_when_done() {
        let Ok(callgrind) = Callgrind::new() else {
            println!("SKIPPED: no valgrind, or not x86_64");
            return;
        };
        let dir = callgrind.dumps.path().to_owned();
        std::fs::write(dir.join("callgrind.out.1"), "x").unwrap();
        assert!(matches!(callgrind.costs(1), Err(CostError::Dump { .. })));
        drop(callgrind);
        assert!(!dir.exists());
    }
}

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
use std::sync::atomic::{AtomicU64, Ordering};

use super::child::{CostChildReport, CHILD_COMMAND};
use super::dump::{self, DumpError, Trigger};
use super::observer::Span;
use super::{client_request, Costs, Events, SimulatedCaches, StageCosts};
use crate::interrupt::PathGuard;
use crate::measure::children::{self, ChildCommand};
use crate::model::PerStage;
use crate::pipeline::Stage;
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
            dumps: TempDir::new()?,
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
        let mut args = valgrind_options(caches, &self.dumps.path);
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
        read_dumps(&self.dumps.path, records)
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
    args.extend(crate::session::builtin::source_args(
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
    Ok(ChildCommand {
        program,
        args,
        env,
        clear_env: false,
        dir: None,
        timeout,
    })
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

/// A fresh directory under the system's temporary directory, removed with its files when
/// dropped (and by the signal handler, if layoutlab is stopped meanwhile).
#[derive(Debug)]
struct TempDir {
    path: PathBuf,
    _registered: PathGuard,
}

impl TempDir {
    fn new() -> Result<TempDir, CostError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        loop {
            let path = base.join(format!(
                "layoutlab-costs-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => {
                    return Ok(TempDir {
                        _registered: PathGuard::new(&path),
                        path,
                    })
                }
                // Left over from an earlier process with the same id: take the next name.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(error) => {
                    return Err(CostError::TempDir {
                        action: "creating",
                        dir: path,
                        error,
                    })
                }
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover directory in the temporary directory is not worth failing
        // a measurement for.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Reads every dump in `dir` and assembles the run's costs.
fn read_dumps(dir: &Path, records: u64) -> Result<Costs, CostError> {
    let temp_error = |action, error| CostError::TempDir {
        action,
        dir: dir.to_owned(),
        error,
    };
    let mut dumps = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| temp_error("reading", e))? {
        let path = entry.map_err(|e| temp_error("reading", e))?.path();
        let text =
            std::fs::read_to_string(&path).map_err(|e| temp_error("reading a file in", e))?;
        let dump = dump::parse(&text).map_err(|error| CostError::Dump {
            file: path.clone(),
            error,
        })?;
        dumps.push(dump);
    }
    dumps.sort_by_key(|d| d.part);
    assemble(&dumps, records)
}

/// The run's costs from its dumps (in any order): one per [`Span`], each exactly once, plus
/// any dump not triggered by a `layoutlab:` mark (the one at program exit), which is left
/// out.
fn assemble(dumps: &[dump::Dump], records: u64) -> Result<Costs, CostError> {
    let mut spans: Vec<(Span, Events)> = Vec::with_capacity(Span::ALL.len());
    for d in dumps {
        let Trigger::ClientRequest(name) = &d.trigger else {
            continue;
        };
        let span = Span::named(name).ok_or_else(|| {
            CostError::Dumps(format!("a dump is named {name:?}, which is no span"))
        })?;
        if spans.iter().any(|(s, _)| *s == span) {
            return Err(CostError::Dumps(format!("two dumps are named {name:?}")));
        }
        spans.push((span, d.events));
    }
    let events = |span: Span| {
        spans
            .iter()
            .find(|(s, _)| *s == span)
            .map(|(_, e)| *e)
            .ok_or_else(|| {
                CostError::Dumps(format!(
                    "no dump is named {:?}",
                    span.name().to_string_lossy()
                ))
            })
    };
    let mut between = Events::default();
    for span in Span::ALL {
        if matches!(span, Span::Before(_) | Span::BeforeDrop) {
            between = between + events(span)?;
        }
    }
    let whole: Events = spans.iter().map(|(_, e)| *e).sum();
    let caches = dumps
        .iter()
        .find_map(|d| d.caches)
        .ok_or_else(|| CostError::Dumps("no dump names the simulated caches".to_owned()))?;
    let mut stages = Vec::with_capacity(Stage::ALL.len());
    for stage in Stage::ALL {
        stages.push(StageCosts::new(events(Span::Stage(stage))?, records));
    }
    Ok(Costs {
        stages: PerStage::from_stages(|stage| stages[stage as usize]),
        between_stages: StageCosts::new(between, records),
        drop: StageCosts::new(events(Span::Drop)?, records),
        whole_run: StageCosts::new(whole, records),
        caches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(part: u64, trigger: &str, ir: u64) -> dump::Dump {
        dump::Dump {
            part,
            trigger: match trigger.strip_prefix("request ") {
                Some(name) => Trigger::ClientRequest(name.to_owned()),
                None => Trigger::Other(trigger.to_owned()),
            },
            caches: Some(SimulatedCaches::TYPICAL),
            events: Events {
                ir,
                dr: ir / 2,
                d1mr: ir / 10,
                ..Events::default()
            },
        }
    }

    /// One dump per span, `ir` = 1000 × its place, and the dump at program exit.
    fn full_run() -> Vec<dump::Dump> {
        let mut dumps: Vec<_> = Span::ALL
            .iter()
            .enumerate()
            .map(|(i, span)| {
                let name = span.name().to_str().unwrap();
                dump(
                    i as u64 + 1,
                    &format!("request {name}"),
                    1000 * (i as u64 + 1),
                )
            })
            .collect();
        dumps.push(dump(12, "Program termination", 7));
        dumps
    }

    #[test]
    fn spans_land_in_their_places_and_add_up() {
        let costs = assemble(&full_run(), 100).unwrap();
        assert_eq!(costs.stages[Stage::Ingest].events.ir, 1000);
        assert_eq!(costs.stages[Stage::Filter].events.ir, 3000);
        assert_eq!(costs.stages[Stage::Aggregate].events.ir, 9000);
        assert_eq!(costs.drop.events.ir, 11_000);
        // before-filter, -normalize, -rolling, -aggregate and -drop: places 2, 4, 6, 8, 10.
        assert_eq!(costs.between_stages.events.ir, 30_000);
        // 1 + 2 + … + 11 thousand; the exit dump's 7 are not the run's.
        assert_eq!(costs.whole_run.events.ir, 66_000);
        assert_eq!(costs.whole_run.per_record.instructions, 660.0);
        assert_eq!(costs.caches, SimulatedCaches::TYPICAL);
        // In JSON, the stages stand beside the other spans, in run order, and come back as
        // they were.
        let text = serde_json::to_string(&costs).unwrap();
        let at = |key: &str| text.find(&format!("\"{key}\":{{")).unwrap();
        let keys = [
            "ingest",
            "filter",
            "normalize",
            "rolling",
            "aggregate",
            "between_stages",
            "drop",
            "whole_run",
            "caches",
        ];
        assert!(keys.windows(2).all(|k| at(k[0]) < at(k[1])), "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["rolling"]["total"]["instructions"], 7000);
        assert_eq!(serde_json::from_str::<Costs>(&text).unwrap(), costs);
    }

    #[test]
    fn missing_repeated_or_unknown_dumps_are_errors() {
        let mut missing = full_run();
        missing.remove(4);
        let e = assemble(&missing, 1).unwrap_err().to_string();
        assert!(
            e.contains("no dump is named \"layoutlab:normalize\""),
            "{e}"
        );

        let mut repeated = full_run();
        repeated.push(dump(13, "request layoutlab:drop", 1));
        let e = assemble(&repeated, 1).unwrap_err().to_string();
        assert!(e.contains("two dumps are named \"layoutlab:drop\""), "{e}");

        let mut unknown = full_run();
        unknown.push(dump(13, "request layoutlab:lunch", 1));
        let e = assemble(&unknown, 1).unwrap_err().to_string();
        assert!(e.contains("\"layoutlab:lunch\", which is no span"), "{e}");
    }

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
        let dumps = callgrind.dumps.path.join("callgrind.out.%p");
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
        let dir = callgrind.dumps.path.clone();
        std::fs::write(dir.join("callgrind.out.1"), "x").unwrap();
        assert!(matches!(callgrind.costs(1), Err(CostError::Dump { .. })));
        drop(callgrind);
        assert!(!dir.exists());
    }
}

//! What each command does, from its arguments to its output: the plan it hands the session,
//! the exporters it uses, and its exit status. `crate::cli` only parses and dispatches.

pub(crate) mod check;
pub(crate) mod child;
pub(crate) mod compare;
pub(crate) mod inspect;
pub(crate) mod report;
pub(crate) mod run;

use std::io::Write;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::builder::PossibleValuesParser;
use clap::Args;

use crate::error::UsageError;
use crate::layouts::LAYOUTS;
use crate::pipeline::DEFAULT_WINDOW;
use crate::session::builtin::Builtin;
use crate::source::{GeneratorConfig, SourceSpec};

/// The generated workload's flags (`generate`, and `run`/`compare` without `--input`).
#[derive(Debug, Args)]
pub(crate) struct GeneratorArgs {
    /// Generated readings.
    #[arg(long, default_value_t = 1_000_000)]
    records: u64,
    /// Generated distinct sensors.
    #[arg(long, default_value_t = 64)]
    sensors: u32,
    /// The generator's seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

impl GeneratorArgs {
    /// The generator these flags describe, checked.
    pub(crate) fn config(&self) -> Result<GeneratorConfig> {
        let (records, sensors, seed) = (self.records, self.sensors, self.seed);
        let max = crate::source::generator::MAX_SENSORS;
        if !(1..=max).contains(&sensors) {
            return Err(UsageError(format!(
                "--sensors must be between 1 and {max}, not {sensors}"
            ))
            .into());
        }
        Ok(GeneratorConfig {
            records,
            sensors,
            seed,
        })
    }
}

/// Where the readings come from: the generator (default) or `--input FILE`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input_source").args(["input", "input_env"])))]
pub(crate) struct SourceArgs {
    /// Read readings from this CSV file instead of generating them.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["records", "sensors", "seed"])]
    input: Option<PathBuf>,
    /// Internal: the input's path is in $LAYOUTLAB_CHILD_INPUT (a profiling child's path
    /// that is not UTF-8).
    #[arg(long, hide = true, conflicts_with = "input")]
    input_env: bool,
    /// With --input: skip and count bad rows instead of stopping at the first.
    #[arg(long)]
    skip_invalid: bool,
    #[command(flatten)]
    generated: GeneratorArgs,
    /// The rolling-average window, in records per sensor.
    #[arg(long, default_value_t = DEFAULT_WINDOW)]
    window: NonZeroUsize,
}

impl SourceArgs {
    /// The subject these flags describe: the pipeline over this source and window.
    pub(crate) fn subject(&self) -> Result<Builtin> {
        let from_env = self
            .input_env
            .then(|| std::env::var_os(crate::measure::child_args::INPUT_ENV).map(PathBuf::from))
            .flatten();
        let input = from_env.as_ref().or(self.input.as_ref());
        if self.skip_invalid && input.is_none() {
            // Checked here rather than by clap, whose message would name the hidden
            // `--input-env` of profiling children beside `--input`.
            return Err(UsageError(
                "--skip-invalid needs --input FILE: it skips the bad rows of a CSV file, and \
                 generated readings have none"
                    .to_owned(),
            )
            .into());
        }
        let source = match input {
            Some(path) => SourceSpec::Csv {
                path: path.clone(),
                skip_invalid: self.skip_invalid,
                fingerprint: None,
            }
            .prepare()?,
            None => SourceSpec::Generated(self.generated.config()?),
        };
        Ok(Builtin {
            source,
            window: self.window,
        })
    }
}

/// How heap profiling runs (with `run --memory`, and always under `compare`).
#[derive(Debug, Args)]
pub(crate) struct HeapArgs {
    /// Also profile each layout under dhat and save its profile here, one
    /// `<layout>-<workload>.json` per layout (open them in DHAT's viewer, dh_view.html); the
    /// figures are the same, dhat's stack walks make the heap phase slower. Without it the
    /// heap is counted by layoutlab's allocator alone.
    #[arg(long, value_name = "DIR")]
    profiles: Option<PathBuf>,
    /// Profiling processes (heap, and costs under callgrind) running at once, after all
    /// timed runs [default: 2, or 1 on a single core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    jobs: Option<u32>,
}

impl HeapArgs {
    /// Whether any flag was given (they apply only when heap profiling runs).
    fn given(&self) -> bool {
        self.profiles.is_some() || self.jobs.is_some()
    }

    /// The heap plan, with the profile directory (if one is asked for) checked up front.
    fn plan(&self) -> Result<crate::session::HeapPlan> {
        if let Some(dir) = &self.profiles {
            let shown = crate::format::one_line(&dir.display().to_string());
            if dir.exists() && !dir.is_dir() {
                return Err(UsageError(format!("--profiles {shown}: not a directory")).into());
            }
            std::fs::create_dir_all(dir).map_err(|e| {
                UsageError(format!(
                    "--profiles {shown}: cannot create the directory: {e}"
                ))
            })?;
        }
        Ok(crate::session::HeapPlan {
            profiles: self.profiles.clone(),
            jobs: match self.jobs {
                Some(jobs) => jobs as usize,
                None => children_at_once(),
            },
        })
    }
}

/// Profiling children to run at once by default: one per core, at most two (more would
/// only fight over memory bandwidth on a small machine).
pub(crate) fn children_at_once() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(2))
}

/// A parser that accepts only registered layout names.
pub(crate) fn layout_names() -> PossibleValuesParser {
    PossibleValuesParser::new(LAYOUTS.iter().map(|l| l.name))
}

/// `names` without repeats, in the order first given; every layout when empty.
pub(crate) fn chosen_layouts(names: &[String]) -> Vec<String> {
    if names.is_empty() {
        return crate::session::builtin::all_layout_names();
    }
    let mut chosen: Vec<String> = Vec::new();
    for name in names {
        if !chosen.contains(name) {
            chosen.push(name.clone());
        }
    }
    chosen
}

/// Writes `bytes` to stdout and flushes, so that a closed or full stdout is an error
/// (a reader that went away is told apart in `main`).
pub(crate) fn emit(bytes: &[u8]) -> Result<()> {
    let mut out = open_stdout()?;
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .context("cannot write the output")
}

/// Standard output, or an error when the program was started with it closed.
///
/// Rust's runtime reopens a closed standard output on `/dev/null` at startup, read-write, so
/// that writes to it would vanish without an error; a redirect to `/dev/null` opens it
/// write-only. (Linux tells the two apart through `/proc`; elsewhere both are accepted.)
fn open_stdout() -> std::io::Result<std::io::StdoutLock<'static>> {
    let reopened = std::fs::read_link("/proc/self/fd/1").is_ok_and(|p| p == Path::new("/dev/null"))
        && std::fs::read_to_string("/proc/self/fdinfo/1")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("flags:"))
                    .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
            })
            .is_some_and(|flags| flags & 0o3 == 0o2);
    if reopened {
        return Err(std::io::Error::other(
            "cannot write the output: standard output is closed",
        ));
    }
    Ok(std::io::stdout().lock())
}

/// `list`: one line per layout, `name<TAB>summary`.
pub(crate) fn list() -> Result<()> {
    let text: String = LAYOUTS
        .iter()
        .map(|l| format!("{}\t{}\n", l.name, l.summary))
        .collect();
    emit(text.as_bytes())
}

/// `generate`: the generated workload as CSV on stdout.
pub(crate) fn generate(args: &GeneratorArgs) -> Result<()> {
    let config = args.config()?;
    let mut out = open_stdout()?;
    crate::source::generator::write_csv(&config, &mut out)
        .and_then(|()| out.flush())
        .context("cannot write the output")
}

/// The files written, for a one-line note.
pub(crate) fn file_list(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|p| crate::format::one_line(&p.display().to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An error naming the layouts whose measurements failed, if any did. It comes last, after
/// everything that worked has been printed and written, so one failure hides nothing.
pub(crate) fn failures(failed: &[&str]) -> Result<()> {
    anyhow::ensure!(
        failed.is_empty(),
        "measurements failed for {} layout(s): {} (the other results above are complete)",
        failed.len(),
        failed.join(", ")
    );
    Ok(())
}

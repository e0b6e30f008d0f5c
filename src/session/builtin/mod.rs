//! The built-in subject: the sensor reading's pipeline over every registered layout, on the
//! generated workload or a CSV file.

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use anyhow::anyhow;

mod access;
mod run;

use self::access::{probe, Access};
use self::run::TimeOnce;

use super::{LayoutMeta, RunError, Sample, Subject};
use crate::layouts::{self, visit_named, Layout, LayoutFn, LAYOUTS};
use crate::measure::best_of;
use crate::measure::child_args::{path_arg, source_args, PROFILE_ENV};
use crate::measure::children::{self, ChildCommand, ChildFailure};
use crate::measure::costs::child::CostChildReport;
use crate::measure::heap::ChildReport;
use crate::model::{LayoutRun, MemorySummary, Timing, Workload};
use crate::pipeline::Aggregates;
use crate::source::{GeneratorConfig, SourceSpec, Streamed};
use crate::units::Nanos;

/// The hidden subcommand a heap-profiling child runs. `main` checks for it before anything
/// else, to switch the allocator to tracking.
pub const HEAP_CHILD_COMMAND: &str = "profile-heap";

/// Environment variable naming the program to run as the profiling child instead of this
/// executable, e.g. a wrapper script (the tests use one to make a child fail).
pub(crate) const CHILD_PROGRAM_ENV: &str = "LAYOUTLAB_HEAP_CHILD";

/// The shortest line of a CSV reading: `a,0,0,C` and its newline.
const MIN_LINE_BYTES: u64 = 8;

/// The pipeline over the registry.
#[derive(Debug, Clone)]
pub(crate) struct Builtin {
    /// Where the readings come from; opened afresh for every run.
    pub source: SourceSpec,
    /// The rolling window.
    pub window: NonZeroUsize,
}

/// What one run of the pipeline produced.
#[derive(Debug, Clone)]
pub(crate) struct PipelineOutcome {
    /// What the source reported.
    pub streamed: Streamed,
    /// The aggregates, bit-identical across layouts.
    pub aggregates: Aggregates,
}

impl Builtin {
    /// The source at `records` (`None`: as given).
    fn source_at(&self, records: Option<u64>) -> SourceSpec {
        match (&self.source, records) {
            (SourceSpec::Generated(g), Some(records)) => SourceSpec::Generated(GeneratorConfig {
                records,
                ..g.clone()
            }),
            (source, _) => source.clone(),
        }
    }

    /// Layout `layout`'s pipeline once over `source`, timed, with [`probe`]'s `reads`, and
    /// `aggregate` timed warm too when `warm`.
    fn time_once(
        &self,
        layout: &str,
        source: &SourceSpec,
        reads: u64,
        warm: bool,
    ) -> Result<Sample<PipelineOutcome>, RunError> {
        visit_named(
            layout,
            &mut TimeOnce {
                source,
                window: self.window,
                reads,
                warm,
            },
        )
        .map_err(|e| RunError::Input(e.into()))?
    }

    /// The most records the source can hold: a generated workload's count, or as many of
    /// the shortest lines as a CSV file's size allows (an estimate never below the truth,
    /// for a check that its stores fit in memory).
    pub(crate) fn records_bound(&self) -> u64 {
        match &self.source {
            SourceSpec::Generated(g) => g.records,
            SourceSpec::Csv { path, .. } => {
                std::fs::metadata(path).map_or(0, |m| m.len() / MIN_LINE_BYTES)
            }
        }
    }

    /// The workload as reports describe it.
    pub(crate) fn workload(&self, outcome: Option<&PipelineOutcome>) -> Workload {
        let streamed = outcome.map(|o| o.streamed.clone()).unwrap_or_default();
        Workload {
            source: self.source.label(),
            records: streamed.records,
            sensors: Some(streamed.sensors),
            window: Some(self.window.get()),
            seed: match &self.source {
                SourceSpec::Generated(g) => Some(g.seed),
                SourceSpec::Csv { .. } => None,
            },
            skipped: streamed.skipped,
        }
    }
}

struct Types;

impl LayoutFn for Types {
    type Out = LayoutMeta;

    fn call<L: Layout>(&mut self) -> LayoutMeta {
        LayoutMeta {
            name: L::NAME.to_owned(),
            summary: L::SUMMARY.to_owned(),
            runtime_schema: L::RUNTIME_SCHEMA,
            types: L::types(),
        }
    }
}

impl Subject for Builtin {
    type Outcome = PipelineOutcome;

    fn layouts(&self) -> Vec<LayoutMeta> {
        layouts::visit_all(&mut Types)
    }

    fn run_once(
        &self,
        layout: &str,
        records: Option<u64>,
    ) -> Result<Sample<PipelineOutcome>, RunError> {
        // Only the rounds at the workload's size report warm times (`run_probed`): at the
        // scaling sizes they were thrown away, and took up to 20 ms a run, a third of the
        // time of those rounds.
        self.time_once(layout, &self.source_at(records), 0, false)
    }

    fn run_probed(&self, layout: &str, reads: u64) -> Result<Sample<PipelineOutcome>, RunError> {
        self.time_once(layout, &self.source, reads, true)
    }

    fn disagreement(&self, a: &PipelineOutcome, b: &PipelineOutcome) -> Option<String> {
        (!a.aggregates.bit_identical(&b.aggregates)).then(|| {
            format!(
                "kept {} and checksum {} against kept {} and checksum {}",
                a.aggregates.kept, a.aggregates.checksum, b.aggregates.kept, b.aggregates.checksum
            )
        })
    }

    fn explain_disagreement(&self, first: &str, other: &str, _why: &str) -> anyhow::Error {
        if let Err(changed) = self.source.verify_unchanged() {
            return changed.into();
        }
        if first == other {
            anyhow!("layout {first} gave different aggregates on a repeated run; this is a bug")
        } else {
            anyhow!(
                "layouts {first} and {other} gave different aggregates for the same input; this is a bug"
            )
        }
    }

    fn probes_together(&self, layouts: &[String]) -> bool {
        // Every store at once must fit in half the memory available now, by the layouts'
        // known heap bytes per record (a file's records estimated from its size).
        let bytes: u128 = LAYOUTS
            .iter()
            .filter(|l| layouts.iter().any(|n| n == l.name))
            .map(|l| l.heap_bytes_per_record as u128 * u128::from(self.records_bound()))
            .sum();
        crate::measure::machine::available_memory().is_some_and(|m| bytes <= u128::from(m / 2))
    }

    fn access_together(
        &self,
        layouts: &[String],
        reads: u64,
        blocks: usize,
    ) -> Vec<anyhow::Result<(u64, Vec<Nanos>)>> {
        access::together(&self.source, layouts, reads, blocks)
    }

    fn access(&self, layout: &str, reads: u64, repeat: usize) -> anyhow::Result<(u64, Nanos)> {
        visit_named(
            layout,
            &mut Access {
                source: &self.source,
                reads,
                repeat,
            },
        )?
    }

    fn heap_child(
        &self,
        layout: &str,
        records: Option<u64>,
        profile: Option<PathBuf>,
    ) -> ChildCommand {
        let source = self.source_at(records);
        let mut env = Vec::new();
        let mut args: Vec<OsString> =
            vec![HEAP_CHILD_COMMAND.into(), "--layout".into(), layout.into()];
        args.extend(source_args(&source, self.window, &mut env));
        match profile {
            Some(file) => path_arg("--profile", PROFILE_ENV, &file, &mut args, &mut env),
            // No profile to save: the counters alone, dhat's figures without its stack walk
            // per allocation (which at 1 000 000 records is 22 of `heap_map`'s 23 s).
            None => args.push("--count-only".into()),
        }
        let program = match std::env::var_os(CHILD_PROGRAM_ENV) {
            Some(program) if !program.is_empty() => PathBuf::from(program),
            _ => std::env::current_exe().unwrap_or_else(|_| PathBuf::from("layoutlab")),
        };
        let expected = records.or(match &source {
            SourceSpec::Generated(g) => Some(g.records),
            SourceSpec::Csv { .. } => None,
        });
        ChildCommand::new(
            program,
            args,
            env,
            children::timeout_for(expected.unwrap_or(1_000_000)),
        )
    }

    fn heap_figures(
        &self,
        layout: &str,
        stdout: &[u8],
        timed: Option<&Sample<PipelineOutcome>>,
        records: u64,
    ) -> Result<MemorySummary, ChildFailure> {
        let report: ChildReport = serde_json::from_slice(stdout).map_err(ChildFailure::Output)?;
        let child = (
            report.layout.as_str(),
            report.records,
            timed.map(|_| (report.kept, report.checksum.to_bits())),
        );
        let expected = (
            layout,
            records,
            timed.map(|t| {
                (
                    t.outcome.aggregates.kept,
                    t.outcome.aggregates.checksum.to_bits(),
                )
            }),
        );
        if child == expected {
            Ok(report.memory)
        } else {
            let (kept, checksum) = timed.map_or((0, 0.0), |t| {
                (t.outcome.aggregates.kept, t.outcome.aggregates.checksum)
            });
            Err(ChildFailure::Mismatch {
                child: format!(
                    "{} with {} records, {} kept, checksum {}",
                    report.layout, report.records, report.kept, report.checksum
                ),
                timed: format!("{layout} with {records} records, {kept} kept, checksum {checksum}"),
            })
        }
    }

    fn cost_child(&self, layout: &str, records: Option<u64>) -> Option<ChildCommand> {
        crate::measure::costs::spawn::builtin_child(
            layout,
            &self.source_at(records),
            self.window,
            None,
        )
        .ok()
    }

    fn cost_report(
        &self,
        layout: &str,
        stdout: &[u8],
        timed: Option<&Sample<PipelineOutcome>>,
        records: Option<u64>,
    ) -> Result<u64, ChildFailure> {
        let report: CostChildReport =
            serde_json::from_slice(stdout).map_err(ChildFailure::Output)?;
        let expected_records = records.or(timed.map(|t| t.records));
        let agrees = report.layout == layout
            && expected_records.is_none_or(|n| n == report.records)
            && timed.is_none_or(|t| {
                (
                    t.outcome.aggregates.kept,
                    t.outcome.aggregates.checksum.to_bits(),
                ) == (report.kept, report.checksum.to_bits())
            });
        if agrees {
            return Ok(report.records);
        }
        Err(ChildFailure::Mismatch {
            child: format!(
                "{} with {} records, {} kept, checksum {}",
                report.layout, report.records, report.kept, report.checksum
            ),
            timed: match timed {
                Some(t) => format!(
                    "{layout} with {} records, {} kept, checksum {}",
                    t.records, t.outcome.aggregates.kept, t.outcome.aggregates.checksum
                ),
                None => format!("{layout} with {} records", crate::format::or_dash(records)),
            },
        })
    }

    fn profile_file(&self, dir: &Path, layout: &str) -> PathBuf {
        profile_file(dir, layout, &self.source, self.window)
    }

    fn timing(&self, runs: &[Sample<PipelineOutcome>]) -> Timing {
        let stages: Vec<_> = runs.iter().map(|r| r.stages.clone()).collect();
        let first = &runs[0];
        Timing {
            records: first.records,
            kept: Some(first.outcome.aggregates.kept),
            checksum: Some(first.outcome.aggregates.checksum),
            outputs: Default::default(),
            best: best_of(&stages),
            runs: stages,
            drop: runs.iter().map(|r| r.drop).min().unwrap_or_default(),
            access_reads: 0,
            access: Nanos(0),
            drops: runs.iter().map(|r| r.drop).collect(),
            accesses: Vec::new(),
            warm: if runs.iter().any(|r| !r.warm.is_empty()) {
                runs.iter().map(|r| r.warm.clone()).collect()
            } else {
                Vec::new()
            },
            extra: Default::default(),
        }
    }

    fn keep(&self, run: &mut LayoutRun, outcome: &PipelineOutcome) {
        run.aggregates = Some(outcome.aggregates.clone());
    }
}

/// The dhat profile file of `layout` for this workload:
/// `<dir>/<layout>-<records>-<sensors>s-seed<seed>-w<window>.json` for generated readings
/// (so runs that differ in any of them never share a file), `<dir>/<layout>-<file stem>.json`
/// for a CSV file.
pub(crate) fn profile_file(
    dir: &Path,
    layout: &str,
    source: &SourceSpec,
    window: NonZeroUsize,
) -> PathBuf {
    let workload = match source {
        SourceSpec::Generated(g) => {
            format!("{}-{}s-seed{}-w{window}", g.records, g.sensors, g.seed)
        }
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

/// Every registered layout's name.
pub(crate) fn all_layout_names() -> Vec<String> {
    LAYOUTS.iter().map(|l| l.name.to_owned()).collect()
}

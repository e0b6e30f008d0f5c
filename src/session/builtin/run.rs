//! Running the built-in subject: a plan's measurements turned into the workload's results,
//! and the up-front check that a generated workload fits in memory.

use std::num::NonZeroUsize;

use super::{probe, Builtin, PipelineOutcome};
use crate::error::StreamError;
use crate::layouts::LAYOUTS;
use crate::layouts::{Layout, LayoutFn};
use crate::measure::{warm_passes, Stopwatch};
use crate::model::PerStage;
use crate::pipeline::{self, Stage};
use crate::session::{RunError, Sample};
use crate::source::SourceSpec;

impl Builtin {
    /// Runs `plan` and describes the results.
    pub(crate) fn run(&self, plan: &crate::session::Plan) -> anyhow::Result<crate::model::Results> {
        self.run_with(plan, None)
    }

    /// Runs `plan` with the caller's own work `beside` joining it (see
    /// [`crate::session::measure_with`]), and describes the results.
    pub(crate) fn run_with(
        &self,
        plan: &crate::session::Plan,
        beside: Option<&dyn crate::session::Beside>,
    ) -> anyhow::Result<crate::model::Results> {
        let measured = crate::session::measure_with(self, plan, beside)?;
        // A profiling child that read a changed input fails as a mismatch; say why instead.
        self.source.verify_unchanged()?;
        if let Some(streamed) = measured.reference.as_ref().map(|o| &o.streamed) {
            if streamed.skipped > 0 {
                eprintln!(
                    "layoutlab: skipped {} invalid row(s); the first: {}",
                    streamed.skipped,
                    streamed.first_skipped.as_deref().unwrap_or("?")
                );
            }
        }
        let workload = self.workload(measured.reference.as_ref());
        let mut results =
            crate::session::results(measured.layouts, workload, plan.repeat, measured.scaling);
        results.costs_note = measured.costs_note;
        Ok(results)
    }

    /// Refuses, up front, a generated workload that the chosen layouts could not hold in this
    /// machine's memory, estimated from each layout's known heap bytes per record (unless
    /// `force`).
    ///
    /// # Errors
    ///
    /// A [`crate::error::UsageError`] saying how much the largest layout would need and how
    /// much the machine has.
    pub(crate) fn check_fits(&self, layouts: &[String], force: bool) -> anyhow::Result<()> {
        let SourceSpec::Generated(g) = &self.source else {
            return Ok(());
        };
        let Some(available) = crate::measure::machine::available_memory() else {
            return Ok(());
        };
        let largest = layouts
            .iter()
            .filter_map(|name| LAYOUTS.iter().find(|l| l.name == name))
            .max_by_key(|l| l.heap_bytes_per_record);
        let Some(largest) = largest else {
            return Ok(());
        };
        let need = u128::from(g.records) * largest.heap_bytes_per_record as u128;
        if force || need <= u128::from(available) {
            return Ok(());
        }
        let need = crate::units::Bytes(u64::try_from(need).unwrap_or(u64::MAX));
        Err(crate::error::UsageError(format!(
            "--records {}: layout {} would need about {need} ({} B/record), and this machine has \
             {} of memory available; use fewer records, leave that layout out with --layout, or \
             pass --force to try anyway",
            g.records,
            largest.name,
            largest.heap_bytes_per_record,
            crate::units::Bytes(available)
        ))
        .into())
    }
}

/// Runs layout `L`'s pipeline once, timed, probing `reads` reads by index on its store
/// before the drop (0: no probe), and timing `aggregate` warm when `warm`.
pub(super) struct TimeOnce<'a> {
    pub(super) source: &'a SourceSpec,
    pub(super) window: NonZeroUsize,
    pub(super) reads: u64,
    pub(super) warm: bool,
}

impl LayoutFn for TimeOnce<'_> {
    type Out = Result<Sample<PipelineOutcome>, RunError>;

    fn call<L: Layout>(&mut self) -> Self::Out {
        let mut stopwatch = Stopwatch::default();
        let mut source = self.source.open();
        let mut access = None;
        let mut warm = PerStage::default();
        let (reads, time_warm) = (self.reads, self.warm);
        let outcome = pipeline::run_then(&mut source, self.window, &mut stopwatch, |store: &L| {
            if reads > 0 {
                access = Some(probe(store, reads, 1));
            }
            // `aggregate` only reads: timed warm too, on the store the first pass left.
            if time_warm {
                warm.push(
                    Stage::Aggregate.name(),
                    warm_passes(|| pipeline::aggregate(store)),
                );
            }
        })
        .map_err(|e| match e {
            StreamError::Sink { .. } => RunError::Capacity(e.into()),
            StreamError::Input(_) => RunError::Input(e.into()),
        })?;
        // Figures over no readings are zeros that look like a result: the first run refuses
        // them, before anything else is measured.
        if let (SourceSpec::Csv { path, .. }, 0) = (self.source, outcome.records) {
            return Err(RunError::Input(
                crate::error::InputError {
                    location: crate::error::Location::File(path.clone()),
                    field: None,
                    problem: match outcome.streamed.skipped {
                        0 => "no readings: the file has no rows after its header".to_owned(),
                        n => format!("no readings: all {n} rows were invalid and skipped"),
                    },
                }
                .into(),
            ));
        }
        Ok(Sample {
            records: outcome.records,
            stages: stopwatch.times,
            drop: stopwatch.drop,
            outcome: PipelineOutcome {
                streamed: outcome.streamed,
                aggregates: outcome.aggregates,
            },
            notes: Vec::new(),
            access,
            warm,
        })
    }
}

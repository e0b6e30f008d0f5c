//! What a session measures: a [`Subject`] lists its layouts, runs one of them once, and
//! describes the children that profile it — the built-in pipeline over the registry
//! (`builtin.rs`) and a user's record with its workloads (`crate::harness`) are the two.

use std::path::PathBuf;

use crate::inspect::TypeInfo;
use crate::measure::children::{ChildCommand, ChildFailure};
use crate::model::{Failure, LayoutRun, MemorySummary, PerStage, Timing};
use crate::units::Nanos;

/// A layout as a subject lists it.
#[derive(Debug, Clone)]
pub(crate) struct LayoutMeta {
    pub name: String,
    pub summary: String,
    pub runtime_schema: bool,
    pub types: Vec<TypeInfo>,
}

/// One timed run of one layout.
#[derive(Debug, Clone)]
pub(crate) struct Sample<O> {
    /// Records ingested.
    pub records: u64,
    /// Time per stage.
    pub stages: PerStage<Nanos>,
    /// Time to drop the store.
    pub drop: Nanos,
    /// What the run produced, which must agree across layouts.
    pub outcome: O,
    /// Parts of the run (a user's workloads) that failed while the rest was measured: each
    /// part's stage is missing from `stages`.
    pub notes: Vec<PartFailure>,
    /// The by-index probe the run made on its own store, untimed by the stages, just before
    /// dropping it: `(reads, their total time)`. `None` when the subject probes a store of
    /// its own afterwards ([`Subject::access`]).
    pub access: Option<(u64, Nanos)>,
    /// The warm regime of this round: per workload that leaves its store unchanged, the
    /// median of the passes after the first over the same store (empty where none is).
    pub warm: PerStage<Nanos>,
}

/// A part of a run that failed (a user's workload that panicked on this layout).
#[derive(Debug, Clone)]
pub(crate) struct PartFailure {
    /// The part's stage name.
    pub part: String,
    /// What happened.
    pub failure: Failure,
}

/// Why a layout could not be timed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RunError {
    /// The layout cannot represent the input: that layout's failure.
    #[error(transparent)]
    Capacity(anyhow::Error),
    /// The input is bad: no layout can run it.
    #[error(transparent)]
    Input(anyhow::Error),
}

/// What is measured: the built-in pipeline over the registry, or a user's record and its
/// workloads. Everything is statically dispatched inside `run_once`; the session only sees
/// its results.
pub(crate) trait Subject: Sync {
    /// What one run produces, compared across layouts.
    type Outcome: Clone;

    /// Every layout this subject can run, in registry order.
    fn layouts(&self) -> Vec<LayoutMeta>;

    /// Runs `layout` once at `records` (`None`: the workload's own size), timing each stage
    /// (the warm regime may be left out: only [`Subject::run_probed`]'s runs report it).
    fn run_once(
        &self,
        layout: &str,
        records: Option<u64>,
    ) -> Result<Sample<Self::Outcome>, RunError>;

    /// [`Subject::run_once`] at the workload's size, with the by-index probe of `reads`
    /// reads (at most four per record) made on the run's own store where the subject can
    /// (filling [`Sample::access`]), which spares building a store only to probe it.
    fn run_probed(&self, layout: &str, reads: u64) -> Result<Sample<Self::Outcome>, RunError> {
        let _ = reads;
        self.run_once(layout, None)
    }

    /// Why two layouts' outcomes differ, or `None` when they agree.
    fn disagreement(&self, a: &Self::Outcome, b: &Self::Outcome) -> Option<String>;

    /// Whether [`Subject::access_together`] can probe `layouts` side by side, all their
    /// stores held at once at the workload's size; when not, each round probes its own.
    fn probes_together(&self, _layouts: &[String]) -> bool {
        false
    }

    /// The by-index probe of `layouts` side by side, in `blocks` blocks: each builds their
    /// stores and reads every one in turn, passes of random reads (at most `reads`, fewer
    /// where a read is slow) a few milliseconds apart. Per layout, in `layouts`' order:
    /// `(reads per pass, each block's time)`, or why it could not be probed.
    fn access_together(
        &self,
        layouts: &[String],
        _reads: u64,
        _blocks: usize,
    ) -> Vec<anyhow::Result<(u64, Vec<Nanos>)>> {
        layouts
            .iter()
            .map(|_| Err(anyhow::anyhow!("this subject probes in its rounds")))
            .collect()
    }

    /// Times `reads` random whole-record reads on a store of `layout`, best of `repeat`:
    /// `(reads made, their total time)`.
    fn access(&self, layout: &str, reads: u64, repeat: usize) -> anyhow::Result<(u64, Nanos)>;

    /// The command of the child that profiles `layout`'s heap at `records`.
    fn heap_child(
        &self,
        layout: &str,
        records: Option<u64>,
        profile: Option<PathBuf>,
    ) -> ChildCommand;

    /// The heap figures in a child's report, checked against what the child must have run:
    /// the timed run at the workload's size, or `records` records at a smaller one.
    fn heap_figures(
        &self,
        layout: &str,
        stdout: &[u8],
        timed: Option<&Sample<Self::Outcome>>,
        records: u64,
    ) -> Result<MemorySummary, ChildFailure>;

    /// Where `layout`'s dhat profile goes in `dir`.
    fn profile_file(&self, dir: &std::path::Path, layout: &str) -> PathBuf;

    /// The layout's timing, filled in from its runs (the subject adds what it knows about
    /// its outcome).
    fn timing(&self, runs: &[Sample<Self::Outcome>]) -> Timing;

    /// Anything of the outcome a layout's entry keeps (the built-in keeps its aggregates
    /// for `run --json`).
    fn keep(&self, run: &mut LayoutRun, outcome: &Self::Outcome);

    /// The command of the child that runs `layout` once at `records` (`None`: the
    /// workload's size) with callgrind's stage marks, before valgrind wraps it; `None` when
    /// this subject cannot measure costs.
    fn cost_child(&self, _layout: &str, _records: Option<u64>) -> Option<ChildCommand> {
        None
    }

    /// Checks a costs child's report against what it must have run — the timed run
    /// (`timed`), or `records` records — and returns the records it ingested.
    fn cost_report(
        &self,
        _layout: &str,
        _stdout: &[u8],
        _timed: Option<&Sample<Self::Outcome>>,
        _records: Option<u64>,
    ) -> Result<u64, ChildFailure> {
        Err(ChildFailure::Mismatch {
            child: "no costs child".to_owned(),
            timed: "a subject without costs".to_owned(),
        })
    }

    /// A line to say when two layouts disagree: the input changed, or a bug.
    fn explain_disagreement(&self, first: &str, other: &str, why: &str) -> anyhow::Error;

    /// Whether layouts that disagree stop the run (the built-in pipeline: a bug) or make the
    /// disagreeing layout's failure while the others are measured (a user's workload whose
    /// output depends on the layout: reported, never averaged away).
    fn disagreement_stops(&self) -> bool {
        true
    }

    /// For a subject whose disagreements do not stop the run: the parts (stage names) of
    /// two outcomes that differ, each with why; parts missing from either are not compared.
    fn part_disagreements(&self, _a: &Self::Outcome, _b: &Self::Outcome) -> Vec<(String, String)> {
        Vec::new()
    }

    /// From now on, leave `part` out of every run of `layout` (`None`: of every layout): its
    /// output cannot be trusted there, so it is neither timed nor profiled.
    fn leave_out(&self, _layout: Option<&str>, _part: &str) {}
}

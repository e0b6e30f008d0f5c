//! Runs the pipeline for layouts chosen by name, timed, and collects their results.
//!
//! This is where the registry meets the command line: a [`LayoutVisitor`] turns a name into
//! a monomorphised pipeline run, so the measured path has no dynamic dispatch.

use std::num::NonZeroUsize;
use std::time::Instant;

use crate::error::SourceError;
use crate::layouts::{visit_named, Layout, LayoutVisitor};
use crate::measure::{Nanos, StageTimes, Stopwatch};
use crate::pipeline;
use crate::results::LayoutResult;
use crate::source::{SourceSpec, Streamed};

/// What to run each layout on.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Where the readings come from; opened afresh for every run.
    pub source: SourceSpec,
    /// The rolling window.
    pub window: NonZeroUsize,
    /// Timed runs per layout; the reported time per stage is the best of them.
    pub repeat: usize,
}

/// One layout's timed result and what its source reported.
#[derive(Debug, Clone)]
pub struct TimedRun {
    /// The result, with the best time per stage.
    pub result: LayoutResult,
    /// Every run's stage times, to show spread.
    pub runs: Vec<StageTimes>,
    /// The best time to drop the whole store (free every record) over the runs.
    pub drop: Nanos,
    /// What the source reported (the same on every run).
    pub streamed: Streamed,
}

/// Runs the layout called `name` `config.repeat` times (at least once).
///
/// # Panics
///
/// If no layout is called `name` (the command line checks names first), or if two runs of
/// the same layout give different aggregates (a broken invariant: runs are deterministic).
pub fn run_timed(name: &str, config: &RunConfig) -> Result<TimedRun, SourceError> {
    struct Visit<'a> {
        config: &'a RunConfig,
        out: Option<Result<TimedRun, SourceError>>,
    }
    impl LayoutVisitor for Visit<'_> {
        fn visit<L: Layout>(&mut self) {
            self.out = Some(run_layout::<L>(self.config));
        }
    }
    let mut visit = Visit { config, out: None };
    assert!(
        visit_named(name, &mut visit),
        "no layout is called {name:?}"
    );
    visit.out.expect("the visitor ran")
}

/// Runs layout `L` `config.repeat` times (at least once).
///
/// # Panics
///
/// If two runs give different aggregates (runs are deterministic, so that is a bug).
pub fn run_layout<L: Layout>(config: &RunConfig) -> Result<TimedRun, SourceError> {
    let mut runs = Vec::new();
    let mut drop = Nanos(u64::MAX);
    let mut first: Option<(pipeline::Outcome, Streamed)> = None;
    for _ in 0..config.repeat.max(1) {
        let mut stopwatch = Stopwatch::default();
        let mut source = config.source.open();
        let outcome = pipeline::run::<L, _, _>(&mut source, config.window, &mut stopwatch)?;
        runs.push(stopwatch.times);
        drop = drop.min(stopwatch.drop);
        match &first {
            None => {
                let streamed = outcome.streamed.clone();
                first = Some((outcome, streamed));
            }
            Some((reference, _)) => assert!(
                reference.aggregates.bit_identical(&outcome.aggregates),
                "layout {} gave different aggregates on a repeated run",
                L::NAME
            ),
        }
    }
    let (outcome, streamed) = first.expect("at least one run");
    let result = LayoutResult::new(
        L::NAME,
        outcome.records,
        outcome.aggregates,
        StageTimes::best_of(&runs),
    );
    Ok(TimedRun {
        result,
        runs,
        drop,
        streamed,
    })
}

/// Random reads by index: how long `record(i)` takes on a store of layout `L`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AccessProbe {
    /// Reads made.
    pub reads: u64,
    /// Total time of the reads.
    pub elapsed: Nanos,
}

/// Ingests `config.source` into layout `L` (untimed), then times `reads` reads of
/// `record(i)` at pseudo-random indexes (the same indexes for every layout), summing the
/// values so the reads cannot be optimised away. The best of `config.repeat` passes.
pub fn probe_access<L: Layout>(config: &RunConfig, reads: u64) -> Result<AccessProbe, SourceError> {
    let mut source = config.source.open();
    let (store, _) = pipeline::ingest::<L, _>(&mut source)?;
    let n = store.len();
    if n == 0 {
        return Ok(AccessProbe {
            reads: 0,
            elapsed: Nanos(0),
        });
    }
    let mut best = Nanos(u64::MAX);
    for _ in 0..config.repeat.max(1) {
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        let started = Instant::now();
        let mut sum = 0.0;
        for _ in 0..reads {
            let r = store.record(rng.usize(0..n));
            sum += r.value + r.timestamp + r.sensor_id.len() as f64;
        }
        std::hint::black_box(sum);
        let elapsed = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        best = best.min(Nanos(elapsed));
    }
    Ok(AccessProbe {
        reads,
        elapsed: best,
    })
}

//! One road for every run: a [`Plan`] (what to measure) goes in, one [`Results`] comes out.
//!
//! `run`, `compare` and a user's own-record harness differ only in their plan and in their
//! [`Subject`] — what a layout is and what one run of it does — and then in the exporters
//! they hand the results to. The order of work is the same for all, and it matters on a
//! small machine: every timing first, nothing else running; then the profiling children,
//! a few at a time, slowest first, so the last ones finish together.

pub(crate) mod builtin;
mod python;

use std::path::PathBuf;

use crate::inspect::TypeInfo;
use crate::measure::children::{self, ChildCommand, ChildFailure};
use crate::model::{
    Failure, FailureKind, LayoutRun, MemorySummary, PerStage, Results, ScalePoint, Timing,
};
use crate::units::Nanos;

/// What a run measures, beyond its subject.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// The layouts, by name, in the order reports list them.
    pub layouts: Vec<String>,
    /// Timed runs per layout.
    pub repeat: usize,
    /// Random reads per layout for the by-index probe (0: no probe).
    pub access_reads: u64,
    /// Smaller sizes also timed and profiled, for the scaling curves.
    pub scaling: Vec<u64>,
    /// Heap profiling, if asked for.
    pub heap: Option<HeapPlan>,
    /// Whether a layout that cannot run the workload stops the run (`run`) or is reported
    /// as that layout's failure while the others go on (`compare`).
    pub stop_at_first_failure: bool,
    /// Whether to draw progress bars.
    pub progress: bool,
}

/// How heap profiling runs.
#[derive(Debug, Clone)]
pub(crate) struct HeapPlan {
    /// Where dhat profiles go (`None`: save none).
    pub profiles: Option<PathBuf>,
    /// Profiling processes at once.
    pub jobs: usize,
}

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
    type Outcome: Clone + Send;

    /// Every layout this subject can run, in registry order.
    fn layouts(&self) -> Vec<LayoutMeta>;

    /// Runs `layout` once at `records` (`None`: the workload's own size), timing each stage.
    fn run_once(
        &self,
        layout: &str,
        records: Option<u64>,
    ) -> Result<Sample<Self::Outcome>, RunError>;

    /// Why two layouts' outcomes differ, or `None` when they agree.
    fn disagreement(&self, a: &Self::Outcome, b: &Self::Outcome) -> Option<String>;

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

    /// A line to say when two layouts disagree: the input changed, or a bug.
    fn explain_disagreement(&self, first: &str, other: &str, why: &str) -> anyhow::Error;
}

/// The measurements of a session, before the subject turns them into its [`Results`].
pub(crate) struct Measured<O> {
    /// One entry per layout of the plan.
    pub layouts: Vec<LayoutRun>,
    /// The first successful layout's outcome (the workload's description comes from it).
    pub reference: Option<O>,
    /// Scaling points.
    pub scaling: Vec<ScalePoint>,
}

/// One layout's progress through the rounds.
struct Track<O> {
    meta: LayoutMeta,
    /// Its runs at the workload's size, one per round.
    runs: Vec<Sample<O>>,
    /// Its random-read probe, one per round.
    accesses: Vec<(u64, Nanos)>,
    /// Its runs at each smaller size, one per round.
    scaled: Vec<Vec<PerStage<Nanos>>>,
    /// What failed.
    errors: Vec<Failure>,
}

/// Runs `plan` over `subject`: timed rounds, then the profiling children.
///
/// Every round runs every layout once, each round in a rotated order, so that whatever
/// disturbs the machine during a round hits every layout alike, and no layout always runs
/// right after the same neighbour.
///
/// # Errors
///
/// If the input is bad, if layouts disagree, or (with `stop_at_first_failure`) if a layout
/// cannot hold the input. A failed heap profile is that layout's failure, not an error.
pub(crate) fn measure<S: Subject>(
    subject: &S,
    plan: &Plan,
) -> anyhow::Result<Measured<S::Outcome>> {
    let metas = subject.layouts();
    let mut tracks: Vec<Track<S::Outcome>> = plan
        .layouts
        .iter()
        .filter_map(|name| metas.iter().find(|m| &m.name == name))
        .map(|meta| Track {
            meta: meta.clone(),
            runs: Vec::new(),
            accesses: Vec::new(),
            scaled: plan.scaling.iter().map(|_| Vec::new()).collect(),
            errors: Vec::new(),
        })
        .collect();
    let rounds = plan.repeat.max(1);
    let heap_steps = plan.heap.as_ref().map_or(0, |_| 1 + plan.scaling.len());
    let steps = tracks.len() * (rounds + heap_steps);
    let bar = crate::progress::bar(steps as u64, "timing", plan.progress);
    let mut reference: Option<(String, S::Outcome)> = None;
    let result = (|| {
        for round in 0..rounds {
            let n = tracks.len();
            for k in 0..n {
                let track = &mut tracks[(k + round) % n];
                bar.set_message(format!("round {}/{rounds}: {}", round + 1, track.meta.name));
                time_once(subject, plan, track, &mut reference)?;
                bar.inc(1);
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        bar.finish_and_clear();
        return Err(e);
    }

    let mut scaling = Vec::new();
    let mut layouts = Vec::new();
    let mut samples = Vec::new();
    for track in tracks {
        let mut entry = LayoutRun {
            layout: track.meta.name.clone(),
            summary: track.meta.summary.clone(),
            runtime_schema: track.meta.runtime_schema,
            types: track.meta.types.clone(),
            timing: None,
            memory: None,
            errors: track.errors,
            aggregates: None,
            extra: Default::default(),
        };
        if let Some(first) = track.runs.first() {
            let mut timing = subject.timing(&track.runs);
            if let Some(&(reads, _)) = track.accesses.first() {
                timing.access_reads = reads;
                timing.accesses = track.accesses.iter().map(|&(_, t)| t).collect();
                timing.access = timing.accesses.iter().copied().min().unwrap_or_default();
            }
            if !plan.scaling.is_empty() {
                scaling.push(point(&entry.layout, timing.records, &timing.runs));
            }
            for (&n, runs) in plan.scaling.iter().zip(&track.scaled) {
                if !runs.is_empty() {
                    scaling.push(point(&entry.layout, n, runs));
                }
            }
            subject.keep(&mut entry, &first.outcome);
            entry.timing = Some(timing);
        }
        samples.push(track.runs.into_iter().next());
        layouts.push(entry);
    }

    if let Some(heap) = &plan.heap {
        profile_heaps(
            subject,
            plan,
            heap,
            &mut layouts,
            &samples,
            &mut scaling,
            &bar,
        );
    }
    bar.finish_and_clear();
    scaling.sort_by(|a, b| (&a.layout, a.records).cmp(&(&b.layout, b.records)));
    Ok(Measured {
        layouts,
        reference: reference.map(|(_, o)| o),
        scaling,
    })
}

/// One round of one layout: its timed run (checked against every other run), its
/// random-read probe, and its runs at the smaller sizes.
fn time_once<S: Subject>(
    subject: &S,
    plan: &Plan,
    track: &mut Track<S::Outcome>,
    reference: &mut Option<(String, S::Outcome)>,
) -> anyhow::Result<()> {
    if !track.errors.is_empty() {
        return Ok(());
    }
    let name = track.meta.name.clone();
    let sample = match subject.run_once(&name, None) {
        Ok(sample) => sample,
        Err(RunError::Capacity(e)) if !plan.stop_at_first_failure => {
            track
                .errors
                .push(Failure::new(FailureKind::Capacity, format!("{e:#}")));
            return Ok(());
        }
        Err(RunError::Capacity(e) | RunError::Input(e)) => {
            return Err(e.context(format!("layout {name}")))
        }
    };
    let (first, against) = match (track.runs.first(), reference.as_ref()) {
        (Some(own), _) => (name.clone(), &own.outcome),
        (None, Some((first, outcome))) => (first.clone(), outcome),
        (None, None) => (name.clone(), &sample.outcome),
    };
    if let Some(why) = subject.disagreement(against, &sample.outcome) {
        return Err(subject.explain_disagreement(&first, &name, &why));
    }
    if reference.is_none() {
        *reference = Some((name.clone(), sample.outcome.clone()));
    }
    let records = sample.records;
    track.runs.push(sample);
    if plan.access_reads > 0 {
        match subject.access(&name, plan.access_reads.min(records * 4), 1) {
            Ok(probe) => track.accesses.push(probe),
            Err(e) => track
                .errors
                .push(Failure::new(FailureKind::Access, format!("{e:#}"))),
        }
    }
    for (&n, runs) in plan.scaling.iter().zip(&mut track.scaled) {
        match subject.run_once(&name, Some(n)) {
            Ok(sample) => runs.push(sample.stages),
            Err(e) => {
                let failure = Failure::new(
                    FailureKind::Other,
                    format!("timed run at {n} records: {e:#}"),
                );
                if !track.errors.contains(&failure) {
                    track.errors.push(failure);
                }
            }
        }
    }
    Ok(())
}

/// A scaling point from a layout's rounds at one size.
fn point(layout: &str, records: u64, runs: &[PerStage<Nanos>]) -> ScalePoint {
    let best = crate::measure::best_of(runs);
    let ingest = best.values().next().copied();
    let pipeline = Nanos(best.values().skip(1).map(|t| t.0).sum());
    ScalePoint {
        layout: layout.to_owned(),
        records,
        pipeline: Some(pipeline),
        ingest,
        peak_bytes: None,
        runs: runs.to_vec(),
    }
}

/// Heap profiles, only now that every timing is done: each layout in a process of its own,
/// the slowest first so that the last two children finish together.
fn profile_heaps<S: Subject>(
    subject: &S,
    plan: &Plan,
    heap: &HeapPlan,
    layouts: &mut [LayoutRun],
    samples: &[Option<Sample<S::Outcome>>],
    scaling: &mut [ScalePoint],
    bar: &indicatif::ProgressBar,
) {
    let mut order: Vec<usize> = (0..layouts.len())
        .filter(|&i| samples[i].is_some())
        .collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(
            layouts[i]
                .timing
                .as_ref()
                .map_or(Nanos(0), Timing::best_total),
        )
    });
    let running = std::sync::Mutex::new(Vec::<String>::new());
    let show = |names: &[String]| bar.set_message(format!("heap profile: {}", names.join(", ")));
    let sizes: Vec<Option<u64>> = std::iter::once(None)
        .chain(plan.scaling.iter().map(|&n| Some(n)))
        .collect();
    for size in sizes {
        let outcomes = children::pool(
            &order,
            heap.jobs,
            |i| {
                let name = &layouts[i].layout;
                {
                    let mut now = running.lock().unwrap_or_else(|e| e.into_inner());
                    now.push(name.clone());
                    show(&now);
                }
                let profile = match size {
                    None => heap
                        .profiles
                        .as_ref()
                        .map(|dir| subject.profile_file(dir, name)),
                    Some(_) => None,
                };
                let out = children::run(&subject.heap_child(name, size, profile));
                running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .retain(|n| n != name);
                out
            },
            |_| bar.inc(1),
        );
        for (&i, outcome) in order.iter().zip(outcomes) {
            let timed = samples[i]
                .as_ref()
                .expect("only timed layouts are profiled");
            let entry = &mut layouts[i];
            let figures = outcome.and_then(|stdout| match size {
                None => subject.heap_figures(&entry.layout, &stdout, Some(timed), timed.records),
                Some(n) => subject.heap_figures(&entry.layout, &stdout, None, n),
            });
            match (size, figures) {
                (None, Ok(memory)) => {
                    if let Some(point) = scaling.iter_mut().find(|p| {
                        p.layout == entry.layout
                            && Some(p.records) == entry.timing.as_ref().map(|t| t.records)
                    }) {
                        point.peak_bytes = Some(memory.peak_bytes);
                    }
                    entry.memory = Some(memory);
                }
                (None, Err(e)) => entry.errors.push(Failure::new(FailureKind::Heap, e)),
                (Some(n), Ok(memory)) => {
                    if let Some(point) = scaling
                        .iter_mut()
                        .find(|p| p.layout == entry.layout && p.records == n)
                    {
                        point.peak_bytes = Some(memory.peak_bytes);
                    }
                }
                (Some(n), Err(e)) => entry.errors.push(Failure::new(
                    FailureKind::Other,
                    format!("heap profile at {n} records: {e}"),
                )),
            }
        }
        bar.inc((layouts.len() - order.len()) as u64);
    }
}

/// Turns measurements into [`Results`] (the subject supplies the workload's description).
pub(crate) fn results(
    measured_layouts: Vec<LayoutRun>,
    workload: crate::model::Workload,
    repeat: usize,
    scaling: Vec<ScalePoint>,
) -> Results {
    Results {
        format: crate::model::FORMAT,
        machine: crate::measure::machine::current(),
        workload,
        repeat: repeat.max(1),
        layouts: measured_layouts,
        scaling,
        python: crate::model::PythonSection::not_run(),
        criterion: Vec::new(),
        extra: Default::default(),
    }
}

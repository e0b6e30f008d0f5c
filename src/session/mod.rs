//! One road for every run: a [`Plan`] (what to measure) goes in, one [`Results`] comes out.
//!
//! `run`, `compare` and a user's own-record harness differ only in their plan and in their
//! [`Subject`] — what a layout is and what one run of it does — and then in the exporters
//! they hand the results to. The order of work is the same for all, and it matters on a
//! small machine: every timing first, nothing else running (a caller's own timed work, the
//! Python reference, included); then the profiling children, heap and costs side by side,
//! a few at a time, slowest first, so the last ones finish together.

pub(crate) mod builtin;
mod check;
mod children;
pub(crate) mod costs;
mod heap;
pub(crate) mod python;
mod subject;
pub(crate) mod sweep;
mod took;

pub(crate) use self::subject::{LayoutMeta, PartFailure, RunError, Sample, Subject};
use self::took::Took;

use std::path::PathBuf;

use crate::model::{Failure, FailureKind, LayoutRun, PerStage, Results, ScalePoint};
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
    /// The workload's size when known up front (a generated one), to weigh progress.
    pub records: Option<u64>,
    /// Other sizes of a generated workload, each timed in rounds of its own after the
    /// workload's rounds and heap-counted, for the scaling curves and the sweep.
    pub sizes: Vec<SizeStep>,
    /// Heap profiling, if asked for.
    pub heap: Option<HeapPlan>,
    /// Deterministic costs under callgrind, if asked for.
    pub costs: Option<costs::CostsPlan>,
    /// Whether a layout that cannot run the workload stops the run (`run`) or is reported
    /// as that layout's failure while the others go on (`compare`).
    pub stop_at_first_failure: bool,
    /// Whether to draw progress bars.
    pub progress: bool,
}

/// One more size to measure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SizeStep {
    /// Records.
    pub records: u64,
    /// Rounds at this size: each runs every layout of the step once, in a rotated order.
    pub rounds: usize,
    /// The layouts measured at this size (a sweep leaves out those it would not fit).
    pub layouts: Vec<String>,
}

/// How heap profiling runs.
#[derive(Debug, Clone)]
pub(crate) struct HeapPlan {
    /// Where dhat profiles go (`None`: save none, and count the heap without dhat).
    pub profiles: Option<PathBuf>,
    /// Profiling processes at once.
    pub jobs: usize,
}

/// The measurements of a session, before the subject turns them into its [`Results`].
pub(crate) struct Measured<O> {
    /// One entry per layout of the plan.
    pub layouts: Vec<LayoutRun>,
    /// The first successful layout's outcome (the workload's description comes from it).
    pub reference: Option<O>,
    /// Scaling points.
    pub scaling: Vec<ScalePoint>,
    /// Why costs were left out, if they were.
    pub costs_note: Option<String>,
}

/// Work of the caller's own that joins a session at its two places: a part that times,
/// run alone right after every timed round, and a part that only counts, run beside the
/// profiling children (the Python reference: its timed pass, then its tracemalloc pass).
pub(crate) trait Beside: Sync {
    /// What progress and the time note call it.
    fn label(&self) -> &'static str;
    /// The timed part, given a layout that ran and the records it ingested (`layout`'s
    /// result is what the work checks itself against). Not called when no layout ran.
    fn timed(&self, layout: &str, records: u64);
    /// Roughly how long [`Beside::counted`] takes, to place it among the children.
    fn estimate(&self) -> Nanos;
    /// The counted part.
    fn counted(&self);
}

/// Everything the children fill in.
pub(super) struct Filled<'m, O> {
    pub layouts: &'m mut [LayoutRun],
    pub samples: &'m [Option<Sample<O>>],
    pub scaling: &'m mut [ScalePoint],
}

/// One layout's progress through the rounds.
struct Track<O> {
    meta: LayoutMeta,
    /// Its runs at the workload's size, one per round.
    runs: Vec<Sample<O>>,
    /// Its random-read probe, one per round.
    accesses: Vec<(u64, Nanos)>,
    /// Its runs at each of the plan's other sizes, one per round.
    scaled: Vec<Vec<PerStage<Nanos>>>,
    /// What failed.
    errors: Vec<Failure>,
}

impl<O> Track<O> {
    /// Whether a failure ended this layout's rounds.
    fn stopped(&self) -> bool {
        self.errors.iter().any(|e| e.kind.stops_layout())
    }
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
    measure_with(subject, plan, None)
}

/// [`measure`], with the caller's own work `beside` joining it: its timed part alone after
/// the timed rounds, its counted part among the profiling children.
///
/// # Errors
///
/// As [`measure`].
pub(crate) fn measure_with<S: Subject>(
    subject: &S,
    plan: &Plan,
    beside: Option<&dyn Beside>,
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
            scaled: plan.sizes.iter().map(|_| Vec::new()).collect(),
            errors: Vec::new(),
        })
        .collect();
    let rounds = plan.repeat.max(1);
    let main_weight = weight(plan.records);
    let heap_weight =
        |records: u64, layouts: usize| plan.heap.as_ref().map_or(0, |_| records * layouts as u64);
    let total = tracks.len() as u64
        * ((rounds as u64 + u64::from(plan.heap.is_some())) * main_weight
            + plan.costs_weight(main_weight))
        + plan
            .sizes
            .iter()
            .map(|s| {
                s.records * (s.rounds as u64 * s.layouts.len() as u64)
                    + heap_weight(s.records, s.layouts.len())
            })
            .sum::<u64>();
    let bar = crate::progress::weighted_bar(total, "timing", plan.progress);
    let mut reference: Option<(String, S::Outcome)> = None;
    let mut took = Took::default();
    // One CPU for everything timed (see `measure::pin`); the children after it get all.
    let pinned = crate::measure::pin::Pinned::here();
    // The by-index probe: side by side after the rounds where the stores fit at once,
    // else in each round on the store its timed run built.
    let names: Vec<String> = tracks.iter().map(|t| t.meta.name.clone()).collect();
    let together = plan.access_reads > 0 && subject.probes_together(&names);
    let round_reads = if together { 0 } else { plan.access_reads };
    let result = (|| {
        for round in 0..rounds {
            let n = tracks.len();
            for k in 0..n {
                let at = (k + round) % n;
                let name = &tracks[at].meta.name;
                bar.set_message(format!("round {}/{rounds}: {name}", round + 1));
                check::time_once(
                    subject,
                    (plan, round_reads),
                    &mut tracks,
                    at,
                    &mut reference,
                )?;
                bar.inc(main_weight);
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        bar.finish_and_clear();
        return Err(e);
    }
    took.lap("timed rounds");
    if together {
        bar.set_message("random reads, every layout side by side");
        probe_together(subject, plan, &mut tracks, rounds);
        took.lap("random reads");
    }
    for step_index in 0..plan.sizes.len() {
        time_size(subject, plan, step_index, &mut tracks, &bar);
    }
    took.lap("other sizes");
    if let (Some(b), Some(first)) = (beside, tracks.iter().find(|t| !t.runs.is_empty())) {
        bar.set_message(b.label());
        b.timed(&first.meta.name, first.runs[0].records);
        took.lap(b.label());
    }
    drop(pinned);

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
            costs: None,
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
            if !plan.sizes.is_empty() {
                scaling.push(point(&entry.layout, timing.records, &timing.runs));
            }
            for (step, runs) in plan.sizes.iter().zip(&track.scaled) {
                if !runs.is_empty() {
                    scaling.push(point(&entry.layout, step.records, runs));
                }
            }
            subject.keep(&mut entry, &first.outcome);
            entry.timing = Some(timing);
        }
        samples.push(track.runs.into_iter().next());
        layouts.push(entry);
    }

    let (costs_note, spent) = children::run(
        subject,
        plan,
        beside,
        Filled {
            layouts: &mut layouts,
            samples: &samples,
            scaling: &mut scaling,
        },
        (&bar, main_weight),
    );
    took.lap_with(
        "profiling children",
        spent.note(beside, children_at_once(plan)),
    );
    bar.finish_and_clear();
    if plan.progress {
        eprintln!("layoutlab: {took}");
    }
    scaling.sort_by(|a, b| (&a.layout, a.records).cmp(&(&b.layout, b.records)));
    Ok(Measured {
        costs_note,
        layouts,
        reference: reference.map(|(_, o)| o),
        scaling,
    })
}

/// Blocks of the side-by-side by-index probe (at least the rounds): each builds the stores
/// and reads every layout a few times, milliseconds apart, and is one of the probe's rounds.
/// 9, as the rounds, give the median a 96 % interval.
const ACCESS_BLOCKS: usize = 9;

/// The by-index probe of every layout that ran cleanly, side by side
/// ([`Subject::access_together`]): each block is one of its rounds.
fn probe_together<S: Subject>(
    subject: &S,
    plan: &Plan,
    tracks: &mut [Track<S::Outcome>],
    rounds: usize,
) {
    let ran: Vec<usize> = (0..tracks.len())
        .filter(|&i| !tracks[i].runs.is_empty() && !tracks[i].stopped())
        .collect();
    let names: Vec<String> = ran.iter().map(|&i| tracks[i].meta.name.clone()).collect();
    let probed = subject.access_together(&names, plan.access_reads, ACCESS_BLOCKS.max(rounds));
    for (&i, probe) in ran.iter().zip(probed) {
        match probe {
            Ok((reads, times)) => {
                tracks[i].accesses = times.into_iter().map(|t| (reads, t)).collect()
            }
            Err(e) => tracks[i]
                .errors
                .push(Failure::new(FailureKind::Access, format!("{e:#}"))),
        }
    }
}

/// The rounds at one of the plan's other sizes: every layout of the step that ran cleanly at
/// the workload's size, in a rotated order each round. A failure at this size is that
/// layout's failure (said once), and it sits out the step's remaining rounds.
fn time_size<S: Subject>(
    subject: &S,
    plan: &Plan,
    step_index: usize,
    tracks: &mut [Track<S::Outcome>],
    bar: &indicatif::ProgressBar,
) {
    let step = &plan.sizes[step_index];
    let members: Vec<usize> = (0..tracks.len())
        .filter(|&i| step.layouts.contains(&tracks[i].meta.name))
        .collect();
    bar.suspend(|| {
        eprintln!(
            "layoutlab: {} records ({}/{}): {} rounds of {} layouts",
            crate::format::thousands(step.records),
            step_index + 1,
            plan.sizes.len(),
            step.rounds,
            members.len()
        );
    });
    let mut failed = vec![false; tracks.len()];
    for round in 0..step.rounds {
        for k in 0..members.len() {
            let i = members[(k + round) % members.len()];
            let track = &mut tracks[i];
            bar.inc(step.records);
            if failed[i] || track.stopped() || track.runs.is_empty() {
                continue;
            }
            bar.set_message(format!(
                "{} records, round {}/{}: {}",
                crate::format::thousands(step.records),
                round + 1,
                step.rounds,
                track.meta.name
            ));
            match subject.run_once(&track.meta.name, Some(step.records)) {
                Ok(sample) => track.scaled[step_index].push(sample.stages),
                Err(e) => {
                    failed[i] = true;
                    track.scaled[step_index].clear();
                    track.errors.push(Failure::new(
                        FailureKind::Other,
                        format!("timed run at {} records: {e:#}", step.records),
                    ));
                }
            }
        }
    }
}

/// Profiling processes at once: the heap plan's, or the costs plan's.
fn children_at_once(plan: &Plan) -> usize {
    plan.heap
        .as_ref()
        .map(|h| h.jobs)
        .or(plan.costs.as_ref().map(|c| c.jobs))
        .unwrap_or(1)
}

/// Progress weight of one run at `records` (runs of an unknown size weigh one).
fn weight(records: Option<u64>) -> u64 {
    records.unwrap_or(1).max(1)
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
        sweep: None,
        costs_note: None,
        python: crate::model::PythonSection::not_run(),
        criterion: Vec::new(),
        record: None,
        proposal: None,
        extra: Default::default(),
    }
}

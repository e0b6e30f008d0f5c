//! The figures reports rank and print, each a median over rounds with its interval, per
//! record: a stage, the pipeline, a layout's pipeline against the best one's (paired round
//! by round), a random read, a short-lived batch. Results saved before rounds existed
//! (one best time each) give exact figures with no interval.

use super::stats::{median_interval, paired_ratio, Interval};
use crate::model::{MemorySummary, PerStage, Results, Timing};
use crate::pipeline::Stage;
use crate::units::Nanos;

fn per_record(values: impl Iterator<Item = Nanos>, items: u64, best: Nanos) -> Interval {
    let per: Vec<f64> = values.map(|t| t.per(items)).collect();
    median_interval(&per).unwrap_or_else(|| Interval::exact(best.per(items)))
}

/// ns per record of one stage.
pub(crate) fn stage(t: &Timing, stage: &str) -> Interval {
    let best = t.best.get(stage).copied().unwrap_or_default();
    per_record(
        t.runs.iter().filter_map(|r| r.get(stage).copied()),
        t.records,
        best,
    )
}

/// ns per record of one stage in the warm regime (the median pass over the same store, round
/// by round); `None` when the stage was not timed warm.
pub(crate) fn warm_stage(t: &Timing, stage: &str) -> Option<Interval> {
    let rounds: Vec<Nanos> = t
        .warm
        .iter()
        .filter_map(|r| r.get(stage).copied())
        .collect();
    let best = rounds.iter().min().copied()?;
    Some(per_record(rounds.into_iter(), t.records, best))
}

/// ns per record of filter + normalize + rolling + aggregate.
pub(crate) fn pipeline(t: &Timing) -> Interval {
    per_record(t.pipeline_runs().into_iter(), t.records, t.best_pipeline())
}

/// ns per random read of a whole record; `None` when the probe did not run.
pub(crate) fn access(t: &Timing) -> Option<Interval> {
    (t.access_reads > 0).then(|| per_record(t.accesses.iter().copied(), t.access_reads, t.access))
}

/// ns per record to build the store and drop it (ingest + drop), round by round.
pub(crate) fn batch(t: &Timing) -> Interval {
    let ingest = Stage::Ingest.name();
    let rounds: Vec<Nanos> = batch_rounds(t)
        .into_iter()
        .map(|x| Nanos(x as u64))
        .collect();
    let best = Nanos(t.best.get(ingest).map_or(0, |n| n.0) + t.drop.0);
    per_record(rounds.into_iter(), t.records, best)
}

/// `t`'s figure over `best`'s: round by round (`rounds` gives each round's value) when both
/// have the same rounds, else the ratio of their medians (`figure`), exact.
pub(crate) fn ratio(
    t: &Timing,
    best: &Timing,
    rounds: impl Fn(&Timing) -> Vec<f64>,
    figure: impl Fn(&Timing) -> Option<Interval>,
) -> Interval {
    let (a, b) = (rounds(t), rounds(best));
    if a.len() > 1 && a.len() == b.len() {
        if let Some(r) = paired_ratio(&a, &b) {
            return r;
        }
    }
    match (figure(t), figure(best)) {
        (Some(x), Some(y)) if y.median > 0.0 => Interval::exact(x.median / y.median),
        _ => Interval::exact(0.0),
    }
}

/// `t`'s time in `stage_name` over `best`'s (see [`ratio`]).
pub(crate) fn stage_ratio(t: &Timing, best: &Timing, stage_name: &str) -> Interval {
    ratio(
        t,
        best,
        |t| {
            t.runs
                .iter()
                .filter_map(|r| r.get(stage_name).map(|n| n.0 as f64))
                .collect()
        },
        |t| Some(stage(t, stage_name)),
    )
}

/// `t`'s warm time in `stage_name` over `best`'s (see [`ratio`]).
pub(crate) fn warm_stage_ratio(t: &Timing, best: &Timing, stage_name: &str) -> Interval {
    ratio(
        t,
        best,
        |t| {
            t.warm
                .iter()
                .filter_map(|r| r.get(stage_name).map(|n| n.0 as f64))
                .collect()
        },
        |t| warm_stage(t, stage_name),
    )
}

/// The pipeline's ratio to `best`'s (see [`ratio`]).
pub(crate) fn pipeline_ratio(t: &Timing, best: &Timing) -> Interval {
    ratio(t, best, pipeline_rounds, |t| Some(pipeline(t)))
}

/// Ingest + drop of each round (with the best drop for results saved before rounds).
pub(crate) fn batch_rounds(t: &Timing) -> Vec<f64> {
    let ingest = Stage::Ingest.name();
    t.runs
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let drop = t.drops.get(k).unwrap_or(&t.drop);
            (r.get(ingest).map_or(0, |n| n.0) + drop.0) as f64
        })
        .collect()
}

/// The pipeline time of each round.
pub(crate) fn pipeline_rounds(t: &Timing) -> Vec<f64> {
    t.pipeline_runs().iter().map(|n| n.0 as f64).collect()
}

/// The timed layout with the fastest pipeline (by median), if any was timed.
pub(crate) fn fastest(results: &Results) -> Option<&Timing> {
    results
        .timed()
        .map(|(_, t)| (t, pipeline(t).median))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(t, _)| t)
}

/// Each stage's median time over the rounds (the best time for saved results without
/// rounds).
pub(crate) fn median_times(t: &Timing) -> PerStage<Nanos> {
    t.best.map(|name, best| {
        let times: Vec<f64> = t
            .runs
            .iter()
            .filter_map(|r| r.get(name))
            .map(|n| n.0 as f64)
            .collect();
        median_interval(&times).map_or(*best, |i| Nanos(i.median.round() as u64))
    })
}

/// The heap figures a layout is ranked by, per record: requested, reserved, allocations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StoreMemory {
    pub bytes: f64,
    pub reserved: Option<f64>,
    pub allocations: f64,
}

/// The heap figures of `m` that say what a layout costs: the whole run for the built-in
/// pipeline (its stages allocate nothing per record), and for a user's record the building
/// of the store (phase `ingest`) — the workloads' own working memory is theirs, and the
/// store is rebuilt for each of them.
///
/// The allocations are the store's own: those the source made for the records it handed
/// over (measured alone in the same process, [`MemorySummary::source`]) are taken off, so
/// that a layout which copies a generator's `String`s into one buffer shows what it
/// allocates, not what the generator did.
pub(crate) fn store_memory(results: &Results, m: &MemorySummary) -> StoreMemory {
    match (&results.record, m.phases.get("ingest")) {
        (Some(_), Some(p)) => StoreMemory {
            bytes: p.bytes_per_record,
            reserved: p.reserved_bytes_per_record,
            allocations: match &m.source {
                Some(source) => {
                    p.allocations.saturating_sub(source.allocations) as f64
                        / results.workload.records.max(1) as f64
                }
                None => p.allocations_per_record,
            },
        },
        _ => StoreMemory {
            bytes: m.bytes_per_record,
            reserved: m.reserved_bytes_per_record,
            allocations: m.allocations_per_record,
        },
    }
}

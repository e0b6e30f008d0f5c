//! Deterministic costs (SPEC §7), among the profiling children once every timing is done
//! (`children.rs`): each timed layout once more in a process of its own, under callgrind's
//! cache simulation, its stages marked, its counts read from callgrind's dumps.

use super::{Filled, Plan, Sample, Subject};
use crate::measure::children::{self, ChildFailure};
use crate::measure::costs::spawn::Callgrind;
use crate::measure::costs::SimulatedCaches;
use crate::model::{Failure, FailureKind};

/// How costs are measured.
#[derive(Debug, Clone)]
pub(crate) struct CostsPlan {
    /// Records the costs run ingests (`None`: the workload's own size).
    pub records: Option<u64>,
    /// The caches callgrind simulates.
    pub caches: SimulatedCaches,
    /// Children at once.
    pub jobs: usize,
    /// Leave costs out, with a note, when the workload's own size is measured and it has
    /// more records than this (a large file under callgrind would take hours).
    pub skip_above: Option<u64>,
}

/// Why costs are left out of a run whose timed layouts ran `samples`, if they are: the
/// input is a file too large to run under callgrind.
pub(super) fn left_out<O>(plan: &CostsPlan, samples: &[Option<Sample<O>>]) -> Option<String> {
    let records = samples.iter().flatten().map(|s| s.records).next()?;
    let limit = plan
        .skip_above
        .filter(|&l| plan.records.is_none() && records > l)?;
    Some(format!(
        "costs left out: the input has {} records, and callgrind runs about a hundred \
         times slower than native above {} (pass --costs to measure them anyway)",
        crate::format::thousands(records),
        crate::format::thousands(limit)
    ))
}

/// What a costs child left: its stdout, and the callgrind run whose dumps hold the counts.
pub(super) type Output = Result<(Vec<u8>, Callgrind), String>;

/// Files the outcome of `layouts[at]`'s costs child into its entry; a failed child is that
/// layout's failure.
pub(super) fn apply<S: Subject>(
    subject: &S,
    plan: &CostsPlan,
    filled: &mut Filled<'_, S::Outcome>,
    at: usize,
    outcome: Output,
) {
    let (layouts, samples) = (&mut *filled.layouts, filled.samples);
    let timed = samples[at].as_ref().filter(|_| plan.records.is_none());
    let outcome = outcome.and_then(|(stdout, callgrind)| {
        let records = subject
            .cost_report(&layouts[at].layout, &stdout, timed, plan.records)
            .map_err(|e| e.to_string())?;
        callgrind.costs(records).map_err(|e| e.to_string())
    });
    match outcome {
        Ok(costs) => layouts[at].costs = Some(costs),
        Err(e) => layouts[at].errors.push(Failure::new(FailureKind::Costs, e)),
    }
}

/// One layout's child under callgrind: its stdout, and the callgrind run whose dumps hold
/// the counts.
pub(super) fn run<S: Subject>(subject: &S, plan: &CostsPlan, layout: &str) -> Output {
    let child = subject
        .cost_child(layout, plan.records)
        .ok_or_else(|| "this subject has no costs child".to_owned())?;
    let callgrind = Callgrind::new().map_err(|e| e.to_string())?;
    let stdout = children::run(&callgrind.wrap(child, Some(plan.caches)))
        .map_err(|e: ChildFailure| e.to_string())?;
    Ok((stdout, callgrind))
}

/// The plan for a workload of `records` records (`None`: a file, size unknown): the
/// workload's own size with the typical caches, or — above `at_most` records — `at_most`
/// of them with the simulated last-level cache shrunk in proportion, so that the store
/// outgrows it as the full run's would (per-record figures within 1 % of the full run's
/// for the compact layouts; see [`SimulatedCaches::scaled_for`]). A file is measured whole
/// up to `skip_above` records.
pub(crate) fn scaled(
    records: Option<u64>,
    at_most: Option<u64>,
    skip_above: Option<u64>,
    jobs: usize,
) -> CostsPlan {
    match (records, at_most) {
        (Some(n), Some(at_most)) if n > at_most => CostsPlan {
            records: Some(at_most),
            caches: SimulatedCaches::TYPICAL.scaled_for(at_most, n),
            jobs,
            skip_above: None,
        },
        _ => CostsPlan {
            records: None,
            caches: SimulatedCaches::TYPICAL,
            jobs,
            skip_above,
        },
    }
}

impl Plan {
    /// Progress weight of one costs child: callgrind runs a layout about a hundred times
    /// slower than native.
    pub(super) fn costs_weight(&self, main_weight: u64) -> u64 {
        match &self.costs {
            Some(c) => c.records.unwrap_or(main_weight).saturating_mul(100),
            None => 0,
        }
    }
}

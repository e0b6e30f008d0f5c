//! The proposed layout, concluded: what the `proposed` layout measured in the paired rounds
//! against the best fixed layouts (each workload, and the weighted total), whether it beat
//! them — a proposal is never a layout that lost: when no candidate beats the best single
//! fixed layout, that layout is the proposal —, why each decision was taken, and the
//! attributes that make the derive generate it (`attributes.rs`).

pub(crate) mod candidates;

use std::collections::BTreeMap;

use super::figures;
use super::stats::{median_interval, paired_ratio, Interval};
use crate::model::{CompiledVs, Proposal, Results, Screened, Timing, VsFixed, WorkloadVs};
use crate::own::Schema;

pub(crate) use self::candidates::Candidate;

/// The layout the harness built from the winning candidate.
pub(crate) const PROPOSED: &str = "proposed";
/// The compiled layout of pasted attributes.
const GROUPED: &str = "grouped";

/// Above this upper end of its interval, the proposal is not shown to be at least level with
/// the best fixed layout, and that layout is proposed instead.
pub(crate) const LEVEL: f64 = 1.02;

/// What went into the proposal besides the measurements: the winning candidate, what the
/// screening found, the workloads' weights and the objective.
#[derive(Debug, Clone)]
pub(crate) struct Chosen {
    pub candidate: Candidate,
    pub screened: Vec<Screened>,
    pub weights: BTreeMap<String, f64>,
    pub objective: String,
    /// One sentence per decision of the candidate (grouping and representations).
    pub why: Vec<String>,
}

/// Weighted time per record of each round, when every weighted workload has a time.
fn totals(t: &Timing, weights: &BTreeMap<String, f64>) -> Option<Vec<f64>> {
    let records = t.records.max(1) as f64;
    let rounds: Option<Vec<f64>> = t
        .runs
        .iter()
        .map(|r| {
            weights
                .iter()
                .map(|(w, weight)| r.get(w).map(|n| weight * n.0 as f64 / records))
                .sum::<Option<f64>>()
        })
        .collect();
    rounds.filter(|r| !r.is_empty())
}

fn vs(layout: &str, i: Interval) -> VsFixed {
    VsFixed {
        layout: layout.to_owned(),
        median: i.median,
        low: i.lower,
        high: i.upper,
    }
}

/// The proposal, from the rounds `proposed` ran in beside every fixed layout.
pub(crate) fn conclude(results: &Results, chosen: &Chosen, schema: &Schema) -> Proposal {
    let timed: Vec<(&str, &Timing)> = results
        .layouts
        .iter()
        .filter_map(|l| Some((l.layout.as_str(), l.timing.as_ref()?)))
        .collect();
    let proposed = timed.iter().find(|(l, _)| *l == PROPOSED).map(|(_, t)| *t);
    // A workload left out of the proposed layout's rounds (it panicked there, or its output
    // could not be checked) cannot be weighed: the total is over the others, and says so.
    let weights: BTreeMap<String, f64> = chosen
        .weights
        .iter()
        .filter(|(w, _)| proposed.is_some_and(|p| p.best.get(w.as_str()).is_some()))
        .map(|(w, x)| (w.clone(), *x))
        .collect();
    let weights = &weights;
    let fixed: Vec<(&str, Vec<f64>)> = timed
        .iter()
        .filter(|(l, _)| *l != PROPOSED)
        .filter_map(|(l, t)| Some((*l, totals(t, weights)?)))
        .collect();
    let median = |v: &[f64]| median_interval(v).map_or(f64::INFINITY, |i| i.median);
    let best = fixed
        .iter()
        .min_by(|a, b| median(&a.1).total_cmp(&median(&b.1)));
    let total = match (proposed.and_then(|t| totals(t, weights)), best) {
        (Some(p), Some((layout, b))) => paired_ratio(&p, b).map(|i| vs(layout, i)),
        _ => None,
    };
    let mut workloads = BTreeMap::new();
    for w in weights.keys() {
        let best_w = timed
            .iter()
            .filter(|(l, t)| *l != PROPOSED && t.best.get(w).is_some())
            .min_by(|a, b| {
                figures::stage(a.1, w)
                    .median
                    .total_cmp(&figures::stage(b.1, w).median)
            });
        let ratio = match (proposed, best_w) {
            (Some(p), Some((layout, b))) if p.best.get(w).is_some() => {
                let i = figures::stage_ratio(p, b, w);
                Some(vs(layout, i))
            }
            _ => None,
        };
        workloads.insert(
            w.clone(),
            WorkloadVs {
                vs_best_fixed: ratio,
            },
        );
    }
    let won = total.as_ref().is_some_and(|t| t.high <= LEVEL);
    let mut why = chosen.why.clone();
    let dropped: Vec<&str> = chosen
        .weights
        .keys()
        .filter(|w| !weights.contains_key(*w))
        .map(String::as_str)
        .collect();
    if !dropped.is_empty() {
        why.push(format!(
            "{} left out of the total: not measured on the proposed layout this run (see \
             *Failures*)",
            crate::format::code_list(&dropped)
        ));
    }
    let bytes = results
        .layouts
        .iter()
        .find(|l| l.layout == PROPOSED)
        .and_then(|l| l.memory.as_ref())
        .map(|m| figures::store_memory(results, m).bytes);
    let plan = &chosen.candidate.plan;
    let (layout, groups, group_names, fields, attributes, total) = if won {
        let (fields, attributes) = crate::own::paste(schema, plan);
        (
            PROPOSED.to_owned(),
            plan.groups
                .iter()
                .map(|g| g.fields.iter().map(|f| f.field.clone()).collect())
                .collect(),
            plan.groups.iter().map(|g| g.name.clone()).collect(),
            fields,
            attributes,
            total,
        )
    } else {
        let best_name = best.map_or("aos", |(l, _)| *l).to_owned();
        why.push(match &total {
            Some(t) => format!(
                "no candidate beat `{}`: the best, `{}`, took {} of its weighted time (interval up \
                 to {:.2}×, above the {LEVEL:.2}× that counts as level), so the proposal is `{}` \
                 itself",
                t.layout,
                chosen.candidate.name,
                crate::format::ratio_range(t.median, t.low, t.high),
                t.high,
                t.layout
            ),
            None => format!(
                "the proposed layout has no timing this run to set against `{best_name}`, so the \
                 proposal is `{best_name}`"
            ),
        });
        let total = best.map(|(l, _)| VsFixed {
            layout: (*l).to_owned(),
            median: 1.0,
            low: 1.0,
            high: 1.0,
        });
        (
            best_name.clone(),
            Vec::new(),
            Vec::new(),
            BTreeMap::new(),
            format!("// no attributes: the proposal is the `{best_name}` layout as generated"),
            total,
        )
    };
    let compiled = compiled(&timed, weights);
    Proposal {
        groups,
        fields,
        attributes,
        total_vs_best_fixed: total,
        workloads,
        layout,
        candidate: chosen.candidate.name.clone(),
        group_names,
        plan: plan.clone(),
        bytes_per_record: bytes,
        why,
        screened: chosen.screened.clone(),
        weights: weights.clone(),
        objective: chosen.objective.clone(),
        compiled,
    }
}

/// The compiled `grouped` layout against the runtime `proposed` one, round by round.
fn compiled(timed: &[(&str, &Timing)], weights: &BTreeMap<String, f64>) -> Option<CompiledVs> {
    let get = |name: &str| {
        timed
            .iter()
            .find(|(l, _)| *l == name)
            .and_then(|(_, t)| totals(t, weights))
    };
    let ratio = paired_ratio(&get(GROUPED)?, &get(PROPOSED)?)?;
    Some(CompiledVs {
        kept: ratio.lower <= 1.0 || ratio.upper <= LEVEL,
        vs_proposed: vs(PROPOSED, ratio),
    })
}

//! Why the fast layouts are fast: each stage's fastest layout set against a slow one, the
//! gap in time put beside the deterministic counts (SPEC §7) that can explain it.
//!
//! Ratios of counts alone mislead: a layout that misses LL 0.01 times per record against
//! another's 0.001 misses ten times as often, and loses a third of a cycle per record by
//! it. So the gap is weighed in valgrind's cost model,
//! `est_cycles = L1 hits + 5 × LL hits + 35 × RAM hits`, which splits exactly into three
//! [`Parts`], one per count a layout controls:
//!
//! - *instructions*: one cycle per instruction and per data access (`Ir + Dr + Dw`), plus
//!   the model's charge for instruction fetches that miss (`4 × I1mr + 30 × ILmr`; the
//!   pipeline's code is small, so these are few);
//! - *D1 misses*: four more cycles for each data access that misses D1 (`D1mr + D1mw`);
//! - *LL misses*: thirty more again for each that misses LL too (`DLmr + DLmw`).
//!
//! The rule, in order ([`Gap::verdict`]):
//!
//! 1. A stage whose fastest and slowest layout are within [`LEVEL`] of each other in time
//!    has no gap worth explaining: wall-clock medians on a shared machine move that much.
//! 2. If the model puts the two within [`MODEL_LEVEL`] of each other, the counts do not
//!    explain the gap (it is noise, or something callgrind does not simulate: branch
//!    prediction, prefetching, how many instructions retire per cycle).
//! 3. Otherwise each part's share of the estimated cycles the fast layout saves is
//!    computed, and every part that saves at least [`SHARE`] of them is named, largest
//!    first; a part that goes the other way by as much is named as giving some back.
//!    Whether the model's ratio comes near the measured one is said as well, judged on the
//!    measured ratio's interval (paired round by round): when it falls short by more than
//!    [`FIT`], the counts explain only part of the gap.
//! 4. Where the model leaves the gap open (2, or 3 falling short), a miss count whose own
//!    ratio comes within [`FIT`] of the measured one, for at least [`MIN_MISSES`] misses
//!    per record, is named ([`Gap::reaching`]): the model charges every miss a fixed price,
//!    whatever the hardware's prefetchers and memory make of it.
//!
//! The fast layout is compared with the slowest layout that has costs; when that one keeps
//! a run-time schema (a map or a JSON value per record, slow for reasons a typed layout
//! does not share), also with the slowest layout of a fixed schema, which is the sharper
//! lesson.

mod sentences;

use super::figures;
use super::stats::Interval;
use crate::format::thousands;
use crate::model::costs::{Costs, CostsPerRecord, SimulatedCaches, StageCosts};
use crate::model::{LayoutRun, Results, Timing};
use crate::units::Bytes;

/// Time ratios below this are level: nothing to explain.
pub(crate) const LEVEL: f64 = 1.25;
/// Estimated-cycle ratios below this: the counts do not explain the gap.
pub(crate) const MODEL_LEVEL: f64 = 1.1;
/// The least share of the saved cycles that names a part as a cause.
pub(crate) const SHARE: f64 = 0.2;
/// Counts within this ratio of each other are "about as many".
const NEAR: f64 = 1.1;
/// The model's ratio and the measured one differ by more than this factor: said so.
pub(crate) const FIT: f64 = 2.0;
/// A miss count can carry a gap the model leaves short only if the fast layout saves at
/// least this many misses per record (a handful of stray misses cannot).
pub(crate) const MIN_MISSES: f64 = 0.05;
/// Miss ratios from this on read "almost none".
const ALMOST_NONE: f64 = 100.0;

/// Where and how the costs were measured: the records callgrind's run ingested and the
/// caches it simulated, with the last level's original size when it was shrunk to stand
/// for a larger workload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Setup {
    /// Records the measured run ingested (0: a file that did not say).
    pub records: u64,
    /// The simulated caches.
    pub caches: SimulatedCaches,
    /// The unshrunk last level and the workload's records, when the LL was scaled down.
    pub scaled_from: Option<(Bytes, u64)>,
}

impl Setup {
    /// `100 000 records, simulated caches I1 32.0 KiB, D1 32.0 KiB, LL 1.0 MiB (scaled from
    /// 8.0 MiB for 1 000 000 records)`.
    pub(crate) fn describe(&self) -> String {
        let records = if self.records > 0 {
            format!("{} records, ", thousands(self.records))
        } else {
            String::new()
        };
        let c = &self.caches;
        let scaled = self.scaled_from.map_or(String::new(), |(ll, n)| {
            format!(" (scaled from {ll} for {} records)", thousands(n))
        });
        format!(
            "{records}simulated caches I1 {}, D1 {}, LL {}{scaled}",
            c.i1.size_bytes, c.d1.size_bytes, c.ll.size_bytes
        )
    }
}

/// How the costs in `results` were measured, from the first layout that has them (one run
/// measures every layout alike); `None` when no layout has costs.
pub(crate) fn setup(results: &Results) -> Option<Setup> {
    let costs = results.layouts.iter().find_map(|l| l.costs.as_ref())?;
    let represented = results.workload.records;
    let typical = SimulatedCaches::TYPICAL;
    let scaled = costs.records > 0
        && costs.records < represented
        && costs.caches != typical
        && typical.scaled_for(costs.records, represented) == costs.caches;
    Some(Setup {
        records: costs.records,
        caches: costs.caches,
        scaled_from: scaled.then_some((typical.ll.size_bytes, represented)),
    })
}

/// The layouts that have costs, in registry order.
pub(crate) fn measured(results: &Results) -> impl Iterator<Item = (&LayoutRun, &Costs)> {
    results
        .layouts
        .iter()
        .filter_map(|l| l.costs.as_ref().map(|c| (l, c)))
}

/// A span's estimated cycles per record, split by what they pay for; the three add up to
/// `est_cycles` (see the module's documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Parts {
    /// Executing: instructions and data accesses at one cycle each, and instruction-fetch
    /// misses.
    pub instructions: f64,
    /// Four cycles per first-level data miss.
    pub d1_misses: f64,
    /// Thirty cycles more per last-level data miss.
    pub ll_misses: f64,
}

impl Parts {
    /// The parts of `span`, one of the spans of `costs`, per record.
    pub(crate) fn of(costs: &Costs, span: &StageCosts) -> Parts {
        let records = divisor(costs);
        let e = &span.events;
        let per = |x: u64| {
            if records > 0.0 {
                x as f64 / records
            } else {
                0.0
            }
        };
        Parts {
            instructions: per(e.references()) + 4.0 * per(e.i1mr) + 30.0 * per(e.ilmr),
            d1_misses: 4.0 * per(e.d1mr.saturating_add(e.d1mw)),
            ll_misses: 30.0 * per(e.dlmr.saturating_add(e.dlmw)),
        }
    }

    /// The part paying for `cause`.
    pub(crate) fn get(&self, cause: Cause) -> f64 {
        match cause {
            Cause::Instructions => self.instructions,
            Cause::D1Misses => self.d1_misses,
            Cause::LlMisses => self.ll_misses,
        }
    }

    /// All three: the estimated cycles per record.
    pub(crate) fn total(&self) -> f64 {
        self.instructions + self.d1_misses + self.ll_misses
    }
}

/// What estimated cycles pay for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    /// Executing instructions.
    Instructions,
    /// Missing the first-level data cache.
    D1Misses,
    /// Missing the last-level cache.
    LlMisses,
}

impl Cause {
    const ALL: [Cause; 3] = [Cause::Instructions, Cause::D1Misses, Cause::LlMisses];

    /// The count behind the cause, per record.
    fn count(self, c: &CostsPerRecord) -> f64 {
        match self {
            Cause::Instructions => c.instructions,
            Cause::D1Misses => c.d1_misses,
            Cause::LlMisses => c.ll_misses,
        }
    }

    /// `instructions`, `D1 misses`, `LL misses`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Cause::Instructions => "instructions",
            Cause::D1Misses => "D1 misses",
            Cause::LlMisses => "LL misses",
        }
    }
}

/// One layout at one stage: its median time and its counts, per record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Side<'a> {
    /// The layout.
    pub layout: &'a str,
    /// Whether it keeps a run-time schema.
    pub runtime_schema: bool,
    /// Median ns per record over the timed rounds.
    pub ns: f64,
    /// The four figures per record.
    pub counts: CostsPerRecord,
    /// The estimated cycles per record, split.
    pub parts: Parts,
}

/// Records the per-record figures of `costs` divide by: its own count, or for files that
/// did not keep it, the ratio the saved figures show.
fn divisor(costs: &Costs) -> f64 {
    if costs.records > 0 {
        return costs.records as f64;
    }
    let w = &costs.whole_run;
    if w.per_record.instructions > 0.0 {
        w.total.instructions as f64 / w.per_record.instructions
    } else {
        0.0
    }
}

/// The fast layout of one stage against a slow one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Gap<'a> {
    /// The stage.
    pub stage: &'a str,
    /// The layout with the lowest median time at the stage (among those with costs).
    pub fast: Side<'a>,
    /// The slowest layout with costs, or of a fixed schema (`fixed_schema`).
    pub slow: Side<'a>,
    /// Whether `slow` is the slowest of the layouts with a fixed schema, the slowest of all
    /// keeping a run-time one.
    pub fixed_schema: bool,
    /// The slow layout's time over the fast one's, round by round, with its interval.
    pub paired: Interval,
}

/// How the model's ratio compares with the measured one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// Within [`FIT`] of the measured ratio's interval.
    Close,
    /// Below the interval's lower end by more than [`FIT`]: the counts explain only part.
    Short,
    /// Above the interval's upper end by more than [`FIT`]: the CPU does better than the
    /// model charges.
    Above,
}

/// What the counts say about a gap.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    /// The two are within [`LEVEL`] in time.
    Level,
    /// The model puts them within [`MODEL_LEVEL`] (or the fast one costs more): the counts
    /// do not explain the gap.
    Unexplained,
    /// The parts that account for the saved cycles.
    Explained {
        /// Parts saving at least [`SHARE`] of the cycles (the largest always), with their
        /// shares, largest first.
        causes: Vec<(Cause, f64)>,
        /// Parts the fast layout spends at least [`SHARE`] more on, with their (negative)
        /// shares.
        against: Vec<(Cause, f64)>,
        /// How the model's ratio compares with the measured one.
        fit: Fit,
    },
}

impl Gap<'_> {
    /// The slow layout's median time over the fast one's.
    pub(crate) fn time_ratio(&self) -> f64 {
        self.slow.ns / self.fast.ns
    }

    /// The slow layout's estimated cycles over the fast one's (infinite when the fast one
    /// has none).
    pub(crate) fn model_ratio(&self) -> f64 {
        self.slow.parts.total() / self.fast.parts.total()
    }

    /// Estimated cycles per record the fast layout saves.
    pub(crate) fn saved(&self) -> f64 {
        self.slow.parts.total() - self.fast.parts.total()
    }

    /// What the counts say (the rule is in the module's documentation).
    pub(crate) fn verdict(&self) -> Verdict {
        if self.time_ratio() < LEVEL {
            return Verdict::Level;
        }
        let saved = self.saved();
        if self.model_ratio() < MODEL_LEVEL || saved <= 0.0 {
            return Verdict::Unexplained;
        }
        let mut shares: Vec<(Cause, f64)> = Cause::ALL
            .iter()
            .map(|&c| (c, (self.slow.parts.get(c) - self.fast.parts.get(c)) / saved))
            .collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1));
        let against = shares
            .iter()
            .filter(|(_, s)| *s <= -SHARE)
            .copied()
            .collect();
        let causes = shares
            .iter()
            .enumerate()
            .filter(|&(i, (_, s))| i == 0 || *s >= SHARE)
            .map(|(_, &c)| c)
            .collect();
        let m = self.model_ratio();
        let fit = if m * FIT < self.paired.lower {
            Fit::Short
        } else if m > self.paired.upper * FIT {
            Fit::Above
        } else {
            Fit::Close
        };
        Verdict::Explained {
            causes,
            against,
            fit,
        }
    }

    /// The miss count that could carry a gap the model does not: the last level's, else the
    /// first's, when the fast layout saves at least [`MIN_MISSES`] of them per record and
    /// misses at most `FIT` times less often than the measured ratio (or never).
    pub(crate) fn reaching(&self) -> Option<Cause> {
        let t = self.time_ratio();
        [Cause::LlMisses, Cause::D1Misses].into_iter().find(|&c| {
            let (f, s) = (c.count(&self.fast.counts), c.count(&self.slow.counts));
            s - f >= MIN_MISSES && (f == 0.0 || s / f * FIT >= t)
        })
    }
}

/// Per stage, in pipeline order: the fastest layout (by median time, among those with
/// timings and costs) against the slowest, and — when the slowest keeps a run-time schema
/// and the fastest does not — against the slowest of a fixed schema too. Stages where fewer
/// than two layouts have both are left out.
pub(crate) fn gaps(results: &Results) -> Vec<Gap<'_>> {
    let Some((_, first)) = measured(results).next() else {
        return Vec::new();
    };
    let mut gaps = Vec::new();
    for stage in first.stages.names() {
        let sides: Vec<(Side<'_>, &Timing)> = measured(results)
            .filter_map(|(l, c)| {
                let t = l.timing.as_ref()?;
                let span = c.stages.get(stage)?;
                let ns = figures::stage(t, stage).median;
                let side = Side {
                    layout: &l.layout,
                    runtime_schema: l.runtime_schema,
                    ns,
                    counts: span.per_record,
                    parts: Parts::of(c, span),
                };
                (ns > 0.0).then_some((side, t))
            })
            .collect();
        let by_time = |a: &&(Side<'_>, &Timing), b: &&(Side<'_>, &Timing)| {
            a.0.ns
                .total_cmp(&b.0.ns)
                .then_with(|| b.0.layout.cmp(a.0.layout))
        };
        let (Some(fast), Some(slowest)) =
            (sides.iter().min_by(by_time), sides.iter().max_by(by_time))
        else {
            continue;
        };
        let fixed = (slowest.0.runtime_schema && !fast.0.runtime_schema)
            .then(|| {
                sides
                    .iter()
                    .filter(|s| !s.0.runtime_schema && s.0.layout != fast.0.layout)
                    .max_by(by_time)
            })
            .flatten();
        for (slow, fixed_schema) in [(Some(slowest), false), (fixed, true)] {
            let Some(slow) = slow.filter(|s| s.0.layout != fast.0.layout) else {
                continue;
            };
            gaps.push(Gap {
                stage,
                fast: fast.0,
                slow: slow.0,
                fixed_schema,
                paired: figures::stage_ratio(slow.1, fast.1, stage),
            });
        }
    }
    gaps
}

/// One short line per stage that has a gap, for the decision guide and the terminal: the
/// comparison with the slowest layout of a fixed schema when the slowest of all keeps a
/// run-time one (the sharper lesson), else with the slowest — so the slowest of a fixed
/// schema either way, unless the fastest itself keeps a run-time schema.
pub(crate) fn headline(results: &Results) -> Vec<String> {
    let gaps = gaps(results);
    let mut picked: Vec<&Gap<'_>> = Vec::new();
    for gap in &gaps {
        match picked.last_mut() {
            Some(last) if last.stage == gap.stage => {
                if gap.fixed_schema {
                    *last = gap;
                }
            }
            _ => picked.push(gap),
        }
    }
    picked.iter().filter_map(|g| g.short()).collect()
}

#[cfg(test)]
mod tests;

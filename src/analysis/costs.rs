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

use super::figures;
use super::stats::Interval;
use crate::format::{count_per_record, per_record, thousands, times};
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

    /// `Among layouts with a fixed schema, ` when the slow side is the slowest of those:
    /// every sentence starts with it.
    fn among(&self) -> &'static str {
        if self.fixed_schema {
            "Among layouts with a fixed schema, "
        } else {
            ""
        }
    }

    /// `` `soa` runs `rolling` 7.9× faster than `boxed` ``.
    fn lead(&self) -> String {
        format!("{}{}", self.among(), self.bare_lead())
    }

    /// [`Gap::lead`] without the fixed-schema opening.
    fn bare_lead(&self) -> String {
        format!(
            "`{}` runs `{}` {} faster than `{}`",
            self.fast.layout,
            self.stage,
            times(self.time_ratio()),
            self.slow.layout
        )
    }

    /// The counts side by side: `executes 7.2× fewer instructions (40 vs 288 per record),
    /// misses D1 8.5× less often (0.290 vs 2.47 per record) and …`.
    fn counts(&self) -> String {
        let (f, s) = (&self.fast.counts, &self.slow.counts);
        let mut clauses = vec![instructions(f.instructions, s.instructions)];
        clauses.extend(misses("D1", f.d1_misses, s.d1_misses, self.slow.layout));
        clauses.extend(misses("LL", f.ll_misses, s.ll_misses, self.slow.layout));
        join(&clauses)
    }

    /// `LL misses (241× fewer)`, `LL misses (almost none against 0.126 per record)`.
    fn fewer(&self, cause: Cause) -> String {
        let (f, s) = (
            cause.count(&self.fast.counts),
            cause.count(&self.slow.counts),
        );
        let how = if f == 0.0 {
            format!("none against {} per record", count_per_record(s))
        } else if s / f >= ALMOST_NONE {
            format!("almost none against {} per record", count_per_record(s))
        } else {
            format!("{} fewer", times(s / f))
        };
        format!("{} ({how})", cause.name())
    }

    /// What the miss count [`Gap::reaching`] finds adds to a gap the model leaves short.
    fn beyond_the_model(&self) -> String {
        match self.reaching() {
            Some(c) => format!(
                "of the counts, {} reach the measured ratio, and the model's fixed {} cycles \
                 per {} may well undercharge them",
                self.fewer(c),
                if c == Cause::LlMisses { 35 } else { 5 },
                if c == Cause::LlMisses {
                    "trip to RAM"
                } else {
                    "first-level miss"
                },
            ),
            None => "no count reaches the measured ratio, so the rest is timing noise or what \
                     callgrind does not simulate (branch prediction, prefetching, instructions \
                     retired per cycle)"
                .to_owned(),
        }
    }

    /// The whole explanation, one or two sentences (no final full stop).
    pub(crate) fn sentence(&self) -> String {
        let (f, s) = (&self.fast, &self.slow);
        let ns = format!(
            "({} vs {} ns per record)",
            per_record(f.ns),
            per_record(s.ns)
        );
        let cycles = format!(
            "{} vs {}",
            per_record(f.parts.total()),
            per_record(s.parts.total())
        );
        let (m, t) = (self.model_ratio(), self.time_ratio());
        match self.verdict() {
            Verdict::Level => format!(
                "{}`{}` and `{}`, the fastest and the slowest at `{}`, are within {} of each \
                 other {ns}: no gap to explain",
                self.among(),
                f.layout,
                s.layout,
                self.stage,
                times(LEVEL)
            ),
            Verdict::Unexplained => {
                let model = if m >= 1.0 {
                    format!("the model puts them within {} of each other", times(m))
                } else {
                    format!(
                        "the model charges `{}` {} as much",
                        f.layout,
                        times(1.0 / m)
                    )
                };
                format!(
                    "{} {ns}, yet it {}: {model} ({cycles} estimated cycles per record), so \
                     the gap is not in the model's cycles; {}",
                    self.lead(),
                    self.counts(),
                    self.beyond_the_model()
                )
            }
            Verdict::Explained {
                causes,
                against,
                fit,
            } => {
                let named: Vec<String> = causes
                    .iter()
                    .enumerate()
                    .map(|(i, (c, share))| {
                        let verb = if i == 0 { " account for" } else { "" };
                        format!("fewer {}{verb} {:.0} %", c.name(), share * 100.0)
                    })
                    .collect();
                let back: Vec<String> = against
                    .iter()
                    .map(|(c, share)| {
                        format!("more {} give back {:.0} %", c.name(), -share * 100.0)
                    })
                    .collect();
                let back = if back.is_empty() {
                    String::new()
                } else {
                    format!(", while {}", join(&back))
                };
                let fit = match fit {
                    Fit::Close => format!(" (the model's ratio: {})", times(m)),
                    Fit::Short => format!(
                        ". The model's {} falls well short of the measured {}; {}",
                        times(m),
                        times(t),
                        self.beyond_the_model()
                    ),
                    Fit::Above => format!(
                        ". The model's {} is well above the measured {}: the real CPU \
                         does better than its one cycle per instruction and fixed miss charges",
                        times(m),
                        times(t)
                    ),
                };
                format!(
                    "{} {ns}: it {}. Of the {} estimated cycles per record it saves \
                     ({cycles}), {}{back}{fit}",
                    self.lead(),
                    self.counts(),
                    per_record(self.saved()),
                    join(&named)
                )
            }
        }
    }

    /// One line for the decision guide and the terminal: the gap and the counts that
    /// account for it, and a miss count that may carry what the model leaves short when it
    /// is not among them; `None` when the stage is level. Unlike [`Gap::sentence`] it does
    /// not say whether the comparison is among fixed schemas: [`headline`] says that once.
    pub(crate) fn short(&self) -> Option<String> {
        // The text, and the causes already named (`None`: the model leaves the gap open).
        let (text, named) = match self.verdict() {
            Verdict::Level => return None,
            Verdict::Unexplained => (
                format!(
                    "{}, which the model's cycles do not explain ({})",
                    self.bare_lead(),
                    times(self.model_ratio())
                ),
                Some(Vec::new()),
            ),
            Verdict::Explained { causes, fit, .. } => {
                let fewer: Vec<String> = causes.iter().map(|&(c, _)| self.fewer(c)).collect();
                let named: Vec<Cause> = causes.iter().map(|&(c, _)| c).collect();
                (
                    format!("{}, by fewer {}", self.bare_lead(), join(&fewer)),
                    (fit == Fit::Short).then_some(named),
                )
            }
        };
        let rest = named.and_then(|named| self.reaching().filter(|c| !named.contains(c)));
        Some(match rest {
            Some(c) => format!("{text}; {} may carry the rest", self.fewer(c)),
            None => text,
        })
    }
}

/// `executes 7.2× fewer instructions (40 vs 288 per record)`.
fn instructions(fast: f64, slow: f64) -> String {
    let values = format!("({} vs {} per record)", per_record(fast), per_record(slow));
    if fast > 0.0 && slow / fast >= NEAR {
        format!(
            "executes {} fewer instructions {values}",
            times(slow / fast)
        )
    } else if slow > 0.0 && fast / slow >= NEAR {
        format!("executes {} more instructions {values}", times(fast / slow))
    } else {
        format!("executes about as many instructions {values}")
    }
}

/// `misses D1 8.5× less often (0.290 vs 2.47 per record)`, `almost never misses LL (…)`;
/// `None` when neither misses.
fn misses(cache: &str, fast: f64, slow: f64, slow_layout: &str) -> Option<String> {
    let values = format!(
        "({} vs {} per record)",
        count_per_record(fast),
        count_per_record(slow)
    );
    Some(if fast == 0.0 && slow == 0.0 {
        return None;
    } else if fast == 0.0 {
        format!(
            "never misses {cache} (`{slow_layout}`: {} per record)",
            count_per_record(slow)
        )
    } else if slow == 0.0 {
        format!(
            "misses {cache} {} times per record where `{slow_layout}` never does",
            count_per_record(fast)
        )
    } else if slow / fast >= ALMOST_NONE {
        format!("almost never misses {cache} {values}")
    } else if slow / fast >= NEAR {
        format!("misses {cache} {} less often {values}", times(slow / fast))
    } else if fast / slow >= NEAR {
        format!("misses {cache} {} more often {values}", times(fast / slow))
    } else {
        format!("misses {cache} about as often {values}")
    })
}

/// `a`, `a and b`, `a, b and c`.
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
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
mod tests {
    use super::*;
    use crate::model::costs::Events;

    /// One side with doctored figures per record: every instruction touches memory half
    /// the time, every miss is a data read.
    fn side(layout: &str, ns: f64, instructions: f64, d1: f64, ll: f64) -> Side<'_> {
        let parts = Parts {
            instructions: instructions * 1.5,
            d1_misses: 4.0 * d1,
            ll_misses: 30.0 * ll,
        };
        Side {
            layout,
            runtime_schema: false,
            ns,
            counts: CostsPerRecord {
                instructions,
                d1_misses: d1,
                ll_misses: ll,
                est_cycles: parts.total(),
            },
            parts,
        }
    }

    fn gap<'a>(fast: Side<'a>, slow: Side<'a>) -> Gap<'a> {
        Gap {
            stage: "aggregate",
            paired: Interval::exact(slow.ns / fast.ns),
            fast,
            slow,
            fixed_schema: false,
        }
    }

    fn causes(g: &Gap<'_>) -> Vec<Cause> {
        match g.verdict() {
            Verdict::Explained { causes, .. } => causes.into_iter().map(|(c, _)| c).collect(),
            other => panic!("expected an explanation, got {other:?}"),
        }
    }

    #[test]
    fn parts_add_up_to_the_models_cycles() {
        // `boxed`'s aggregate at 20 000 records (host caches), every event non-zero.
        let events = Events {
            ir: 5_340_112,
            dr: 1_610_027,
            dw: 20_011,
            i1mr: 12,
            d1mr: 56_600,
            d1mw: 7,
            ilmr: 12,
            dlmr: 13_800,
            dlmw: 3,
        };
        let span = StageCosts::new(events, 20_000);
        let costs = Costs {
            stages: crate::model::PerStage::from_stages(|_| span),
            between_stages: span,
            drop: span,
            whole_run: span,
            caches: SimulatedCaches::TYPICAL,
            records: 20_000,
        };
        let parts = Parts::of(&costs, &span);
        assert!((parts.total() - span.per_record.est_cycles).abs() < 1e-9);
        assert!((parts.ll_misses - 30.0 * (13_800.0 + 3.0) / 20_000.0).abs() < 1e-9);
        assert!((parts.d1_misses - 4.0 * (56_600.0 + 7.0) / 20_000.0).abs() < 1e-9);
        // A file that did not keep `records` divides by what its per-record figures show.
        let old = Costs {
            records: 0,
            ..costs
        };
        assert!((Parts::of(&old, &span).total() - parts.total()).abs() < 1e-9);
    }

    #[test]
    fn fewer_instructions_explain_a_gap_of_as_many_misses() {
        let g = gap(
            side("soa", 2.0, 20.0, 0.42, 0.001),
            side("boxed", 12.2, 190.0, 2.86, 0.001),
        );
        assert_eq!(causes(&g), [Cause::Instructions]);
        let s = g.sentence();
        assert!(
            s.starts_with("`soa` runs `aggregate` 6.1× faster than `boxed` (2.00 vs 12.2 ns"),
            "{s}"
        );
        assert!(
            s.contains("executes 9.5× fewer instructions (20.0 vs 190 per record)"),
            "{s}"
        );
        assert!(
            s.contains("misses D1 6.8× less often (0.420 vs 2.86 per record)"),
            "{s}"
        );
        assert!(
            s.contains("misses LL about as often (0.00100 vs 0.00100 per record)"),
            "{s}"
        );
        // 255 of the 265 cycles saved are instructions, 10 are D1 misses (under a fifth).
        assert!(
            s.contains(
                "it saves (31.7 vs 296), fewer instructions account for 96 % (the \
                        model's ratio: 9.3×)"
            ),
            "{s}"
        );
        assert_eq!(
            g.short().unwrap(),
            "`soa` runs `aggregate` 6.1× faster than `boxed`, by fewer instructions (9.5× fewer)"
        );
    }

    #[test]
    fn changing_the_counts_changes_the_cause() {
        // The same times; now the slow layout executes as many instructions but misses LL
        // three times per record.
        let g = gap(
            side("soa", 2.0, 20.0, 0.42, 0.001),
            side("boxed", 12.2, 21.0, 3.5, 3.0),
        );
        assert_eq!(causes(&g), [Cause::LlMisses]);
        let s = g.sentence();
        assert!(s.contains("executes about as many instructions"), "{s}");
        assert!(
            s.contains("misses D1 8.3× less often (0.420 vs 3.50 per record)"),
            "{s}"
        );
        assert!(
            s.contains("almost never misses LL (0.00100 vs 3.00 per record)"),
            "{s}"
        );
        assert!(s.contains("fewer LL misses account for 8"), "{s}");
        assert!(!s.contains("fewer instructions account"), "{s}");

        // Misses of the first level only, many of them: D1 leads, LL is not named.
        let g = gap(
            side("soa", 2.0, 20.0, 0.42, 0.0),
            side("boxed", 12.2, 24.0, 30.0, 0.0),
        );
        assert_eq!(causes(&g), [Cause::D1Misses]);
        let s = g.sentence();
        assert!(!s.contains("LL"), "neither misses LL: {s}");

        // Both matter: each saving at least a fifth is named, the larger first.
        let g = gap(
            side("soa", 2.0, 20.0, 0.4, 0.0),
            side("boxed", 12.2, 60.0, 0.4, 1.0),
        );
        assert_eq!(causes(&g), [Cause::Instructions, Cause::LlMisses]);
        assert!(
            g.sentence()
                .contains("fewer instructions account for 67 % and fewer LL misses 33 %"),
            "{}",
            g.sentence()
        );
    }

    #[test]
    fn a_cost_the_fast_layout_pays_more_of_is_said_to_give_back() {
        // The fast layout runs more instructions but never goes to RAM.
        let g = gap(
            side("soa", 2.0, 60.0, 0.1, 0.0),
            side("boxed", 20.0, 30.0, 1.1, 4.0),
        );
        let s = g.sentence();
        assert!(s.contains("executes 2.0× more instructions"), "{s}");
        assert!(
            s.contains("never misses LL (`boxed`: 4.00 per record)"),
            "{s}"
        );
        assert!(s.contains("fewer LL misses account for"), "{s}");
        assert!(s.contains("while more instructions give back"), "{s}");
    }

    #[test]
    fn a_small_gap_is_level_and_a_gap_the_counts_miss_is_unexplained() {
        let level = gap(
            side("soa", 2.0, 20.0, 0.4, 0.0),
            side("boxed", 2.4, 200.0, 4.0, 1.0),
        );
        assert_eq!(level.verdict(), Verdict::Level);
        assert!(level.sentence().contains("no gap to explain"));
        assert_eq!(level.short(), None);

        // Three times slower with the same counts: not in the counts.
        let noise = gap(
            side("soa", 2.0, 20.0, 0.4, 0.0),
            side("boxed", 6.0, 20.5, 0.4, 0.0),
        );
        assert_eq!(noise.verdict(), Verdict::Unexplained);
        let s = noise.sentence();
        assert!(s.contains("the model puts them within 1.0×"), "{s}");
        assert!(s.contains("no count reaches the measured ratio"), "{s}");

        // The same, but the slow one goes to RAM a tenth of the time: too few cycles in the
        // model to explain the gap, but the count whose ratio reaches it is named.
        let ram = gap(
            side("soa", 2.0, 40.0, 0.4, 0.0),
            side("boxed", 6.0, 40.0, 0.5, 0.1),
        );
        assert_eq!(ram.verdict(), Verdict::Unexplained);
        assert_eq!(ram.reaching(), Some(Cause::LlMisses));
        let s = ram.sentence();
        assert!(
            s.contains("LL misses (none against 0.100 per record) reach the measured ratio"),
            "{s}"
        );
        assert!(
            ram.short().unwrap().ends_with(
                "which the model's cycles do not explain (1.1×); LL misses (none against \
                 0.100 per record) may carry the rest"
            ),
            "{}",
            ram.short().unwrap()
        );
    }

    #[test]
    fn the_model_falling_short_is_judged_on_the_paired_interval() {
        let fast = side("soa", 2.0, 20.0, 0.4, 0.0);
        let slow = side("boxed", 20.0, 40.0, 0.4, 0.0);
        let mut g = gap(fast, slow);
        // 10× measured, 2× in the model, rounds agreeing: the model falls short.
        match g.verdict() {
            Verdict::Explained { fit, .. } => assert_eq!(fit, Fit::Short),
            other => panic!("{other:?}"),
        }
        assert!(
            g.sentence()
                .contains("The model's 1.9× falls well short of the measured 10×; no count"),
            "{}",
            g.sentence()
        );
        // Rounds spread from 3× to 30×: the model's 2× is within reach of them.
        g.paired = Interval {
            median: 10.0,
            lower: 3.0,
            upper: 30.0,
            confidence: 0.9,
        };
        match g.verdict() {
            Verdict::Explained { fit, .. } => assert_eq!(fit, Fit::Close),
            other => panic!("{other:?}"),
        }
        // The model far above the measured ratio.
        let g = gap(
            side("soa", 2.0, 20.0, 0.4, 0.0),
            side("boxed", 3.0, 200.0, 0.4, 0.0),
        );
        assert!(
            g.sentence().contains("is well above the measured 1.5×"),
            "{}",
            g.sentence()
        );
    }

    #[test]
    fn a_fixed_schema_comparison_says_so() {
        let mut g = gap(
            side("soa", 2.0, 20.0, 0.4, 0.0),
            side("boxed", 12.0, 190.0, 0.4, 0.0),
        );
        g.fixed_schema = true;
        assert!(g
            .sentence()
            .starts_with("Among layouts with a fixed schema, `soa` runs `aggregate`"));
    }
}

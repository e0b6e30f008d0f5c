//! The decision guide: for named workload profiles, rank the layouts from the figures just
//! measured and say why in one line each, citing the numbers.
//!
//! Nothing here is canned advice: each ranking sorts by a measured quantity, so when the
//! numbers change, the advice changes. The only fixed facts are structural ones that no
//! measurement can change (whether a layout can add a field at run time).
//!
//! A winner is named only when the measurements say so: times are medians over paired
//! rounds, and the runner-up's time over the winner's, taken round by round, has a 95 %
//! interval; when that interval reaches down to 1 the two are "level". Heap figures are
//! exact, and two layouts within 0.5 % of each other are level.

use super::figures;
use super::stats::Interval;
use crate::format::{per_record, small};
use crate::model::{LayoutRun, Results, Timing};
use crate::record::INFORMATION_BYTES;

/// One workload profile and the layouts ranked for it, best first.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Advice {
    /// The profile's short name.
    pub profile: &'static str,
    /// The workload it describes.
    pub question: &'static str,
    /// What the ranking sorts by.
    pub metric: &'static str,
    /// Ranked layouts, best first.
    pub ranking: Vec<Ranked>,
    /// The runner-up's figure over the best one's (for timings, paired round by round).
    pub runner_up: Option<Interval>,
    /// Layouts left out of the ranking, and why.
    pub excluded: Vec<(String, String)>,
}

/// A layout's place in one ranking.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ranked {
    /// The layout.
    pub layout: String,
    /// The figure it was ranked by (lower is better): the median.
    pub score: f64,
    /// One line citing the numbers.
    pub why: String,
}

/// Heap figures within this ratio are level.
const EXACT_TOLERANCE: f64 = 1.005;

impl Advice {
    /// Whether the best and the runner-up cannot be told apart.
    pub(crate) fn level(&self) -> bool {
        self.runner_up.is_some_and(|r| {
            if r.confidence > 0.0 {
                r.lower <= 1.0
            } else {
                r.median < EXACT_TOLERANCE
            }
        })
    }

    /// The one-sentence recommendation, or `None` when nothing could be ranked.
    pub(crate) fn verdict(&self) -> Option<String> {
        let best = self.ranking.first()?;
        let (Some(next), Some(r)) = (self.ranking.get(1), self.runner_up) else {
            return Some(format!("choose `{}`", best.layout));
        };
        let interval = if r.confidence > 0.0 {
            format!(
                ", {:.0} % interval {:.2}–{:.2}",
                r.confidence * 100.0,
                r.lower,
                r.upper
            )
        } else {
            String::new()
        };
        Some(if self.level() {
            let within = if r.confidence > 0.0 {
                format!(
                    "{:.2}× on {}{interval}, which includes 1",
                    r.median, self.metric
                )
            } else {
                format!("within 0.5 % on {}", self.metric)
            };
            format!(
                "choose `{}`, level with `{}` ({within}); the ranking below decides the rest",
                best.layout, next.layout
            )
        } else {
            format!(
                "choose `{}` ({:.2}× better than `{}`, the next best, on {}{interval})",
                best.layout, r.median, next.layout, self.metric
            )
        })
    }
}

fn rank(mut ranking: Vec<Ranked>) -> Vec<Ranked> {
    ranking.sort_by(|a, b| {
        a.score
            .total_cmp(&b.score)
            .then_with(|| a.layout.cmp(&b.layout))
    });
    ranking
}

fn times_best(score: f64, best: f64) -> String {
    if best > 0.0 {
        format!("{:.1}× the best", score / best)
    } else {
        "—".to_owned()
    }
}

/// `median (lower–upper)` of a per-record figure.
fn with_interval(i: Interval) -> String {
    crate::format::per_record_range(i.median, i.lower, i.upper)
}

fn missing(data: &Results, what: &str, has: impl Fn(&LayoutRun) -> bool) -> Vec<(String, String)> {
    data.layouts
        .iter()
        .filter(|l| !has(l))
        .map(|l| (l.layout.clone(), format!("no {what} measured")))
        .collect()
}

/// The guide for `data`.
pub(crate) fn advise(data: &Results) -> Vec<Advice> {
    vec![
        memory_bound(data),
        full_scans(data),
        by_index(data),
        runtime_schema(data),
        short_lived(data),
    ]
}

fn memory_bound(data: &Results) -> Advice {
    let best = data
        .profiled()
        .map(|(_, m)| m.bytes_per_record)
        .fold(f64::INFINITY, f64::min);
    let ranking = rank(
        data.profiled()
            .map(|(l, m)| Ranked {
                layout: l.layout.clone(),
                score: m.bytes_per_record,
                why: format!(
                    "{} B/record at peak ({:.2}× the {INFORMATION_BYTES}-byte floor, {}){}, {} allocations/record",
                    per_record(m.bytes_per_record),
                    m.bytes_per_record / INFORMATION_BYTES as f64,
                    times_best(m.bytes_per_record, best),
                    m.reserved_bytes_per_record
                        .map(|r| format!("; {} B/record reserved by the allocator", per_record(r)))
                        .unwrap_or_default(),
                    small(m.allocations_per_record),
                ),
            })
            .collect(),
    );
    let runner_up = match ranking.as_slice() {
        [a, b, ..] if a.score > 0.0 => Some(Interval::exact(b.score / a.score)),
        _ => None,
    };
    Advice {
        profile: "memory-bound at large N",
        question: "many records must fit in RAM at once; heap per record decides how many",
        metric: "peak heap bytes per record",
        ranking,
        runner_up,
        excluded: missing(data, "heap profile", |l| l.memory.is_some()),
    }
}

/// A profile ranked by a timed figure: `figure` gives a layout's interval, `rounds` its
/// value per round (for the paired ratio), `why` the line that cites it.
struct TimedProfile {
    profile: &'static str,
    question: &'static str,
    metric: &'static str,
    /// What a layout left out lacks.
    lacking: &'static str,
    figure: fn(&Timing) -> Option<Interval>,
    rounds: fn(&Timing) -> Vec<f64>,
    why: fn(&LayoutRun, &Timing, Interval, f64) -> String,
}

fn timed(data: &Results, p: &TimedProfile, eligible: impl Fn(&LayoutRun) -> bool) -> Advice {
    let scored: Vec<(&LayoutRun, &Timing, Interval)> = data
        .timed()
        .filter(|(l, _)| eligible(l))
        .filter_map(|(l, t)| (p.figure)(t).map(|i| (l, t, i)))
        .collect();
    let best = scored
        .iter()
        .map(|s| s.2.median)
        .fold(f64::INFINITY, f64::min);
    let ranking = rank(
        scored
            .iter()
            .map(|(l, t, i)| Ranked {
                layout: l.layout.clone(),
                score: i.median,
                why: (p.why)(l, t, *i, best),
            })
            .collect(),
    );
    let timing_of = |name: &str| scored.iter().find(|s| s.0.layout == name).map(|s| s.1);
    let runner_up = match ranking.as_slice() {
        [a, b, ..] => match (timing_of(&a.layout), timing_of(&b.layout)) {
            (Some(ta), Some(tb)) => Some(figures::ratio(tb, ta, p.rounds, p.figure)),
            _ => None,
        },
        _ => None,
    };
    let with_figure = |l: &LayoutRun| l.timing.as_ref().and_then(p.figure).is_some();
    Advice {
        profile: p.profile,
        question: p.question,
        metric: p.metric,
        ranking,
        runner_up,
        excluded: missing(data, p.lacking, |l| !eligible(l) || with_figure(l)),
    }
}

fn full_scans(data: &Results) -> Advice {
    timed(
        data,
        &TimedProfile {
            profile: "full scans",
            question: "every query walks all records (filters, transforms, aggregations)",
            metric: "pipeline ns per record",
            lacking: "timing",
            figure: |t| Some(figures::pipeline(t)),
            rounds: figures::pipeline_rounds,
            why: |_, t, i, best| {
                let stage = |s| per_record(figures::stage(t, s).median);
                format!(
                    "{} ns/record over filter + normalize + rolling + aggregate ({}); filter {} · normalize {} · rolling {} · aggregate {}",
                    with_interval(i),
                    times_best(i.median, best),
                    stage("filter"),
                    stage("normalize"),
                    stage("rolling"),
                    stage("aggregate"),
                )
            },
        },
        |_| true,
    )
}

fn by_index(data: &Results) -> Advice {
    timed(
        data,
        &TimedProfile {
            profile: "per-record access by index",
            question: "lookups of single records by position, in no particular order",
            metric: "ns per random read",
            lacking: "random-access timing",
            figure: figures::access,
            rounds: |t| t.accesses.iter().map(|n| n.0 as f64).collect(),
            why: |_, t, i, best| {
                format!(
                    "{} ns to read one whole record at a random index ({}; {} reads a round)",
                    with_interval(i),
                    times_best(i.median, best),
                    t.access_reads
                )
            },
        },
        |_| true,
    )
}

fn runtime_schema(data: &Results) -> Advice {
    let mut advice = timed(
        data,
        &TimedProfile {
            profile: "schema that changes at run time",
            question:
                "fields are added or renamed without recompiling (user-defined columns, plugins)",
            metric: "pipeline ns per record among layouts that allow it",
            lacking: "timing",
            figure: |t| Some(figures::pipeline(t)),
            rounds: figures::pipeline_rounds,
            why: |l, _, i, best| {
                format!(
                    "fields are data, so a new one needs no code change; {} ns/record pipeline ({}){}",
                    with_interval(i),
                    times_best(i.median, best),
                    l.memory
                        .as_ref()
                        .map(|m| format!(", {} B/record", per_record(m.bytes_per_record)))
                        .unwrap_or_default()
                )
            },
        },
        |l| l.runtime_schema,
    );
    let fixed = data.layouts.iter().filter(|l| !l.runtime_schema).map(|l| {
        (
            l.layout.clone(),
            "fixed struct: a new field is a code change and a rebuild".to_owned(),
        )
    });
    advice.excluded = fixed.chain(advice.excluded).collect();
    advice
}

fn short_lived(data: &Results) -> Advice {
    timed(
        data,
        &TimedProfile {
            profile: "short-lived batches dropped at once",
            question: "a batch is built, processed once and thrown away (per request, per file)",
            metric: "ingest + drop ns per record",
            lacking: "timing",
            figure: |t| Some(figures::batch(t)),
            rounds: figures::batch_rounds,
            why: |l, t, i, best| {
                format!(
                    "build + drop {} ns/record ({}): ingest {} · drop {}{}",
                    with_interval(i),
                    times_best(i.median, best),
                    per_record(figures::stage(t, "ingest").median),
                    per_record(t.drop.per(t.records)),
                    l.memory
                        .as_ref()
                        .map(|m| format!(
                            ", {} allocations/record",
                            per_record(m.allocations as f64 / t.records.max(1) as f64)
                        ))
                        .unwrap_or_default()
                )
            },
        },
        |_| true,
    )
}

//! The decision guide: for named workload profiles, rank the layouts from the figures just
//! measured and say why in one line each, citing the numbers.
//!
//! Nothing here is canned advice: each ranking sorts by a measured quantity, so when the
//! numbers change, the advice changes. The only fixed facts are structural ones that no
//! measurement can change (whether a layout can add a field at run time).
//!
//! A winner is named only when the measurements say so: times are medians over paired
//! rounds, and the runner-up's time over the winner's, taken round by round, has a 95 %
//! interval; when that interval reaches down into a band of 3 % around the best (down to
//! 1.03) the two are "level". Heap figures are exact, and two layouts within 0.5 % of each
//! other are level.
//!
//! Why a band and an interval together: a layout is left out of the level set only when
//! its interval shows it more than 3 % slower than the best. Layouts within a few per cent
//! of each other are level whatever the noise (their medians, and so the lower ends of their
//! intervals, sit in the band), and noise only widens intervals, moving their lower ends
//! down: a layout level on a quiet machine stays level on a busy one, where the set may
//! grow. The interval test alone (down to 1) failed that at its edge: a layout 1.1× the best
//! is level only while noise stretches its interval to 1, which a quiet run may do and a busy
//! run, with a different best, may not. The band is the smallest difference the guide
//! claims to tell apart, a few per cent being what a busy neighbour moves a figure by; for
//! random reads it is 25 % ([`ACCESS_TOLERANCE`]), what the machine's state moves the
//! compact layouts' reads by from one run to the next. The words are in `verdict.rs`.

use super::figures;
use super::stats::Interval;
use crate::format::{per_record, small};
use crate::model::{LayoutRun, Results, Timing};
use crate::record::INFORMATION_BYTES;

/// One workload profile and the layouts ranked for it, best first.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Advice {
    /// The profile's short name.
    pub profile: String,
    /// The workload it describes.
    pub question: String,
    /// What the ranking sorts by.
    pub metric: String,
    /// Ranked layouts, best first.
    pub ranking: Vec<Ranked>,
    /// The runner-up's figure over the best one's (for timings, paired round by round).
    pub runner_up: Option<Interval>,
    /// Whether the figures are exact counts (heap bytes) rather than timings.
    pub exact: bool,
    /// Layouts left out of the ranking, and why.
    pub excluded: Vec<(String, String)>,
    /// The layouts after the best that cannot be told from it, in ranking order: exact
    /// figures within 0.5 %; timings whose paired ratio to the best has an interval reaching
    /// into the profile's band (see [`is_level`]). Noise widens intervals, so under load this set
    /// grows, and a layout level with the best on a quiet machine stays named on a busy one.
    /// Each with its figure over the best's.
    pub level_with: Vec<(String, Interval)>,
    /// The band around the best that level means: [`EXACT_TOLERANCE`] for heap figures,
    /// the profile's own for timings ([`TIMED_TOLERANCE`], or [`ACCESS_TOLERANCE`]).
    pub band: f64,
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

/// What the guide says of a profile in which no layout could be ranked, in REPORT.md and on
/// the terminal alike.
pub(crate) const UNRANKED: &str = "no layout could be ranked: the figures are missing";

/// Heap figures within this ratio are level.
const EXACT_TOLERANCE: f64 = 1.005;

/// The band around the best for timings: a timing whose ratio to the best has an interval
/// reaching below this is level with it (see [`is_level`]); a few per cent is within what a
/// busy neighbour moves a figure by.
pub(crate) const TIMED_TOLERANCE: f64 = 1.03;

/// The band for random reads, wider: the compact layouts' reads differ by second-order
/// effects (one cache line or two, one column or three) that the machine's state moves
/// between runs by more than a run's interval shows. Measured on a 2-core Xeon at 300 000
/// records, one layout's ratio to the best read 1.06–1.12 (`aosoa`), 1.10–1.20
/// (`zero_copy`) and 1.18–1.34 (`inline`) over four runs of the same build; the
/// compact layouts all fell within 1.35 of the best and `arena`, the next, at 1.5–1.7. A
/// band narrower than that spread lets the run, not the layout, decide who is named.
pub(crate) const ACCESS_TOLERANCE: f64 = 1.25;

/// Whether a timing whose ratio to the best is `r` is level with it: its interval reaches
/// into the `band` around the best, so the measurements cannot show it more than that much
/// slower. A median inside the band always is (the lower end is at most the median); a
/// wider interval never makes a level layout not level.
pub(crate) fn is_level(r: &Interval, band: f64) -> bool {
    r.lower < band
}

/// Exact figures within [`EXACT_TOLERANCE`] of the best's, after it.
fn level_exact(ranking: &[Ranked]) -> Vec<(String, Interval)> {
    let Some(best) = ranking.first() else {
        return Vec::new();
    };
    ranking[1..]
        .iter()
        .take_while(|l| best.score > 0.0 && l.score / best.score < EXACT_TOLERANCE)
        .map(|l| (l.layout.clone(), Interval::exact(l.score / best.score)))
        .collect()
}

fn rank(mut ranking: Vec<Ranked>) -> Vec<Ranked> {
    ranking.sort_by(|a, b| {
        a.score
            .total_cmp(&b.score)
            .then_with(|| a.layout.cmp(&b.layout))
    });
    ranking
}

pub(crate) fn times_best(score: f64, best: f64) -> String {
    if best > 0.0 {
        format!("{:.1}× the best", score / best)
    } else {
        "—".to_owned()
    }
}

/// `median (lower–upper)` of a per-record figure.
pub(crate) fn with_interval(i: Interval) -> String {
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

pub(crate) fn memory_bound(data: &Results) -> Advice {
    let figures: Vec<_> = data
        .profiled()
        .map(|(l, m)| (l, figures::store_memory(data, m)))
        .collect();
    let best = figures
        .iter()
        .map(|(_, f)| f.bytes)
        .fold(f64::INFINITY, f64::min);
    let floor = match &data.record {
        None => format!("the {INFORMATION_BYTES}-byte floor"),
        Some(_) => "its fields' packed size".to_owned(),
    };
    let floor_bytes = match &data.record {
        None => INFORMATION_BYTES as f64,
        Some(r) => r.fields.iter().map(|f| f.packed_size).sum::<usize>().max(1) as f64,
    };
    let ranking = rank(
        figures
            .iter()
            .map(|(l, f)| Ranked {
                layout: l.layout.clone(),
                score: f.bytes,
                why: format!(
                    "{} B/record at peak ({:.2}× {floor}, {}){}, {} allocations/record",
                    per_record(f.bytes),
                    f.bytes / floor_bytes,
                    times_best(f.bytes, best),
                    f.reserved
                        .map(|r| format!("; {} B/record reserved by the allocator", per_record(r)))
                        .unwrap_or_default(),
                    small(f.allocations),
                ),
            })
            .collect(),
    );
    let runner_up = match ranking.as_slice() {
        [a, b, ..] if a.score > 0.0 => Some(Interval::exact(b.score / a.score)),
        _ => None,
    };
    Advice {
        profile: "memory-bound at large N".to_owned(),
        question: "many records must fit in RAM at once; heap per record decides how many"
            .to_owned(),
        metric: "peak heap bytes per record".to_owned(),
        runner_up,
        exact: true,
        band: EXACT_TOLERANCE,
        excluded: missing(data, "heap profile", |l| l.memory.is_some()),
        level_with: level_exact(&ranking),
        ranking,
    }
}

/// A layout's figure, median and interval (none when it was not measured).
pub(crate) type Figure<'f> = Box<dyn Fn(&Timing) -> Option<Interval> + 'f>;
/// A layout's figure in each round, for paired ratios.
pub(crate) type Rounds<'f> = Box<dyn Fn(&Timing) -> Vec<f64> + 'f>;
/// The line that cites a layout's figure (its interval, the best median).
pub(crate) type Why<'f> = Box<dyn Fn(&LayoutRun, &Timing, Interval, f64) -> String + 'f>;

/// A profile ranked by a timed figure: `figure` gives a layout's interval, `rounds` its
/// value per round (for the paired ratio), `why` the line that cites it.
pub(crate) struct TimedProfile<'f> {
    pub profile: String,
    pub question: String,
    pub metric: String,
    /// What a layout left out lacks.
    pub lacking: &'static str,
    pub figure: Figure<'f>,
    pub rounds: Rounds<'f>,
    pub why: Why<'f>,
    /// The band around the best within which a layout is level ([`is_level`]).
    pub band: f64,
}

pub(crate) fn timed(
    data: &Results,
    p: &TimedProfile<'_>,
    eligible: impl Fn(&LayoutRun) -> bool,
) -> Advice {
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
            (Some(ta), Some(tb)) => Some(figures::ratio(tb, ta, &p.rounds, &p.figure)),
            _ => None,
        },
        _ => None,
    };
    let level_with = match ranking.first().and_then(|a| timing_of(&a.layout)) {
        Some(ta) => ranking[1..]
            .iter()
            .filter_map(|l| {
                let r = figures::ratio(timing_of(&l.layout)?, ta, &p.rounds, &p.figure);
                is_level(&r, p.band).then(|| (l.layout.clone(), r))
            })
            .collect(),
        None => Vec::new(),
    };
    let with_figure = |l: &LayoutRun| l.timing.as_ref().and_then(|t| (p.figure)(t)).is_some();
    Advice {
        profile: p.profile.clone(),
        question: p.question.clone(),
        metric: p.metric.clone(),
        ranking,
        runner_up,
        exact: false,
        band: p.band,
        excluded: missing(data, p.lacking, |l| !eligible(l) || with_figure(l)),
        level_with,
    }
}

fn full_scans(data: &Results) -> Advice {
    timed(
        data,
        &TimedProfile {
            profile: "full scans".to_owned(),
            question: "every query walks all records (filters, transforms, aggregations)"
                .to_owned(),
            metric: "pipeline ns per record".to_owned(),
            lacking: "timing",
            figure: Box::new(|t| Some(figures::pipeline(t))),
            rounds: Box::new(figures::pipeline_rounds),
            band: TIMED_TOLERANCE,
            why: Box::new(|_, t, i, best| {
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
            }),
        },
        |_| true,
    )
}

pub(crate) fn by_index(data: &Results) -> Advice {
    timed(
        data,
        &TimedProfile {
            profile: "per-record access by index".to_owned(),
            question: "lookups of single records by position, in no particular order".to_owned(),
            metric: "ns per random read".to_owned(),
            lacking: "random-access timing",
            figure: Box::new(figures::access),
            band: ACCESS_TOLERANCE,
            // Per read: layouts whose reads are slow read fewer of them a pass.
            rounds: Box::new(|t| {
                let reads = t.access_reads.max(1) as f64;
                t.accesses.iter().map(|n| n.0 as f64 / reads).collect()
            }),
            why: Box::new(|_, t, i, best| {
                format!(
                    "{} ns to read one whole record at a random index ({}; {} reads a round)",
                    with_interval(i),
                    times_best(i.median, best),
                    t.access_reads
                )
            }),
        },
        |_| true,
    )
}

fn runtime_schema(data: &Results) -> Advice {
    let mut advice = timed(
        data,
        &TimedProfile {
            profile: "schema that changes at run time".to_owned(),
            question:
                "fields are added or renamed without recompiling (user-defined columns, plugins)"
                    .to_owned(),
            metric: "pipeline ns per record among layouts that allow it".to_owned(),
            lacking: "timing",
            figure: Box::new(|t| Some(figures::pipeline(t))),
            rounds: Box::new(figures::pipeline_rounds),
            band: TIMED_TOLERANCE,
            why: Box::new(|l, _, i, best| {
                format!(
                    "fields are data, so a new one needs no code change; {} ns/record pipeline ({}){}",
                    with_interval(i),
                    times_best(i.median, best),
                    l.memory
                        .as_ref()
                        .map(|m| format!(", {} B/record", per_record(m.bytes_per_record)))
                        .unwrap_or_default()
                )
            }),
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

pub(crate) fn short_lived(data: &Results) -> Advice {
    timed(
        data,
        &TimedProfile {
            profile: "short-lived batches dropped at once".to_owned(),
            question: "a batch is built, processed once and thrown away (per request, per file)"
                .to_owned(),
            metric: "ingest + drop ns per record".to_owned(),
            lacking: "timing",
            figure: Box::new(|t| Some(figures::batch(t))),
            rounds: Box::new(figures::batch_rounds),
            band: TIMED_TOLERANCE,
            why: Box::new(|l, t, i, best| {
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
            }),
        },
        |_| true,
    )
}

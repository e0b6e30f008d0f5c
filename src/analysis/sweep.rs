//! Where the lead flips: from a run at many sizes (`compare --sweep`), each stage's ranking
//! at each size, the crossovers between sizes — computed from the medians and their paired
//! intervals, never written by hand — and the shape of each layout's curve (flat, a step at
//! a cache boundary, growing).

use std::collections::BTreeSet;

use super::stats::{median_interval, paired_ratio, Interval};
use crate::format::{per_record, thousands};
use crate::model::{Results, ScalePoint};
use crate::units::Bytes;

/// The confidence a leader's interval needs before the leader counts as clear.
pub(crate) const MIN_CONFIDENCE: f64 = 0.9;
/// How far ahead a clear leader must be: the runner-up's time over the leader's, at the
/// interval's lower end. A lead of a percent or two is noise to a decision, and among a
/// dozen layouts at twenty sizes some such lead would pass the confidence bar by chance.
pub(crate) const MIN_LEAD: f64 = 1.03;

/// The figures a sweep ranks: each stage and the pipeline.
pub(crate) fn figures(results: &Results) -> Vec<String> {
    let mut names: Vec<String> = results
        .scaling
        .iter()
        .find(|p| !p.runs.is_empty())
        .map(|p| p.runs[0].names().map(str::to_owned).collect())
        .unwrap_or_default();
    if results.record.is_none() && !names.is_empty() {
        names.push("pipeline".to_owned());
    }
    names
}

/// A figure's value in each round at one point, in ns per record.
fn rounds(point: &ScalePoint, figure: &str) -> Vec<f64> {
    point
        .runs
        .iter()
        .filter_map(|r| {
            let ns = if figure == "pipeline" {
                r.values().skip(1).map(|n| n.0).sum()
            } else {
                r.get(figure)?.0
            };
            Some(ns as f64 / point.records.max(1) as f64)
        })
        .collect()
}

/// One size's ranking of one figure, best first: `(layout, median and interval)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ranking {
    /// Records at this size.
    pub records: u64,
    /// Layouts, best first.
    pub ranked: Vec<(String, Interval)>,
    /// The runner-up's time over the leader's, round by round: median and interval.
    pub lead: Option<Interval>,
    /// Whether the first is ahead of the second beyond doubt: that ratio's interval, at
    /// [`MIN_CONFIDENCE`] or more, stays at or above [`MIN_LEAD`].
    pub clear: bool,
}

/// Every size's ranking of `figure`, smallest size first.
pub(crate) fn rankings(results: &Results, figure: &str) -> Vec<Ranking> {
    let sizes: BTreeSet<u64> = results.scaling.iter().map(|p| p.records).collect();
    sizes
        .into_iter()
        .filter_map(|records| {
            let points: Vec<&ScalePoint> = results
                .scaling
                .iter()
                .filter(|p| p.records == records && !p.runs.is_empty())
                .collect();
            let mut ranked: Vec<(String, Interval, Vec<f64>)> = points
                .iter()
                .filter_map(|p| {
                    let r = rounds(p, figure);
                    median_interval(&r).map(|i| (p.layout.clone(), i, r))
                })
                .collect();
            ranked.sort_by(|a, b| a.1.median.total_cmp(&b.1.median).then(a.0.cmp(&b.0)));
            let lead = match ranked.as_slice() {
                [a, b, ..] if a.2.len() == b.2.len() => paired_ratio(&b.2, &a.2),
                _ => None,
            };
            let clear = lead.is_some_and(|r| r.confidence >= MIN_CONFIDENCE && r.lower >= MIN_LEAD);
            (!ranked.is_empty()).then(|| Ranking {
                records,
                ranked: ranked.into_iter().map(|(l, i, _)| (l, i)).collect(),
                lead,
                clear,
            })
        })
        .collect()
}

/// The sizes that can decide the guide's sentences about `figure`: those with a clear
/// leader among at least [`MIN_FIELD`] layouts (a layout's largest sizes, where only it and
/// one other of similar bytes/record went, rank too few to say who leads).
fn deciding(results: &Results, figure: &str) -> Vec<Ranking> {
    rankings(results, figure)
        .into_iter()
        .filter(|r| r.clear && r.ranked.len() >= MIN_FIELD)
        .collect()
}

/// How many layouts a size must rank for its leader to count in the guide.
pub(crate) const MIN_FIELD: usize = 3;

/// A change of leader between two measured sizes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Crossover {
    /// The figure.
    pub figure: String,
    /// The leader below.
    pub below: String,
    /// The leader above.
    pub above: String,
    /// The last size `below` led at, and the first `above` led at.
    pub between: (u64, u64),
    /// The last size of `above`'s run of clear leads, when a larger size had a clear
    /// leader that was someone else (a layout `above` was not raced against there, say):
    /// the sentence then says how far the lead held instead of claiming every size above.
    pub until: Option<u64>,
}

impl Crossover {
    /// About where the lead changes: the geometric middle of the two sizes, rounded to two
    /// significant digits.
    pub(crate) fn about(&self) -> u64 {
        let (a, b) = self.between;
        round2((a as f64 * b as f64).sqrt())
    }

    /// The sentence the guide states.
    pub(crate) fn sentence(&self) -> String {
        let until = self
            .until
            .map(|n| {
                format!(
                    "; its lead is clear up to {} records, not beyond",
                    thousands(n)
                )
            })
            .unwrap_or_default();
        format!(
            "below about {} records `{}` leads `{}`; above, `{}` (measured at {} and {} \
             records{until})",
            thousands(self.about()),
            self.below,
            self.figure,
            self.above,
            thousands(self.between.0),
            thousands(self.between.1)
        )
    }
}

/// `x` to two significant digits.
fn round2(x: f64) -> u64 {
    if x < 100.0 {
        return x.round() as u64;
    }
    let scale = 10f64.powi(x.log10().floor() as i32 - 1);
    ((x / scale).round() * scale) as u64
}

/// The crossovers of `figure`: wherever the clear leader at one size is beaten by another
/// layout at the next size where a leader is clear. Sizes where no layout leads beyond doubt
/// are passed over (their order is noise), so a crossover is never called on noise; nor is
/// one called where the earlier leader simply was not measured at the larger size (a sweep
/// stops each layout where its own data reaches the target).
pub(crate) fn crossovers(results: &Results, figure: &str) -> Vec<Crossover> {
    let sizes = deciding(results, figure);
    let leader = |i: usize| &sizes[i].ranked[0].0;
    (1..sizes.len())
        .filter_map(|i| {
            let (w, below, above) = (&sizes[i - 1..=i], leader(i - 1), leader(i));
            let raced = w[1].ranked.iter().any(|(l, _)| l == below)
                && w[0].ranked.iter().any(|(l, _)| l == above);
            // How far `above` keeps the lead: to the end, or to the size before another leads.
            let last = (i..sizes.len())
                .take_while(|&j| leader(j) == above)
                .last()
                .unwrap_or(i);
            (below != above && raced).then(|| Crossover {
                figure: figure.to_owned(),
                below: below.clone(),
                above: above.clone(),
                between: (w[0].records, w[1].records),
                until: (last + 1 < sizes.len()).then(|| sizes[last].records),
            })
        })
        .collect()
}

/// What a sweep says about `figure` in one sentence when nothing crosses over.
pub(crate) fn no_crossover(results: &Results, figure: &str) -> Option<String> {
    let all = rankings(results, figure);
    let (first, last) = (all.first()?, all.last()?);
    let clear = deciding(results, figure);
    let span = format!(
        "{} to {} records",
        thousands(first.records),
        thousands(last.records)
    );
    // Who led, over which run of sizes, in size order.
    let mut runs: Vec<(&str, u64, u64)> = Vec::new();
    for r in &clear {
        match runs.last_mut() {
            Some((l, _, to)) if *l == r.ranked[0].0 => *to = r.records,
            _ => runs.push((&r.ranked[0].0, r.records, r.records)),
        }
    }
    let at = |from: u64, to: u64| match from == to {
        true => format!("at {} records", thousands(from)),
        false => format!("from {} to {} records", thousands(from), thousands(to)),
    };
    Some(match runs.as_slice() {
        [] => format!(
            "no layout leads `{figure}` clearly at any size ({span}): every lead is under {:.0} % \
             or within the noise",
            (MIN_LEAD - 1.0) * 100.0
        ),
        [(leader, from, to)] => format!(
            "`{leader}` leads `{figure}` wherever a lead is clear ({} of {} sizes, {}); no \
             crossover",
            clear.len(),
            all.len(),
            at(*from, *to)
        ),
        // Leaders change only where an earlier one was not measured further: say who led
        // where, without calling it a crossover.
        _ => {
            let parts: Vec<String> = runs
                .iter()
                .map(|(l, from, to)| format!("`{l}` {}", at(*from, *to)))
                .collect();
            format!(
                "`{figure}`: {}; not a crossover — the earlier leader was not measured where the \
                 later one leads",
                parts.join(", then ")
            )
        }
    })
}

/// Whether the results have enough sizes, with their rounds, to say where a lead flips.
pub(crate) fn measured(results: &Results) -> bool {
    let sizes: BTreeSet<u64> = results
        .scaling
        .iter()
        .filter(|p| !p.runs.is_empty())
        .map(|p| p.records)
        .collect();
    sizes.len() >= 3
}

/// What the guide says about size, figure by figure: each crossover measured, or that the
/// ranking does not change.
pub(crate) fn guide_sentences(results: &Results) -> Vec<String> {
    if !measured(results) {
        return Vec::new();
    }
    figures(results)
        .iter()
        .flat_map(|figure| guide_sentences_for(results, figure))
        .collect()
}

/// What the guide says about `figure`'s ranking over size.
pub(crate) fn guide_sentences_for(results: &Results, figure: &str) -> Vec<String> {
    let flips = crossovers(results, figure);
    if flips.is_empty() {
        no_crossover(results, figure).into_iter().collect()
    } else {
        flips.iter().map(Crossover::sentence).collect()
    }
}

/// One sentence on the shape of `layout`'s curve of `figure` (ns/record) over the sizes:
/// flat; a step where its data outgrows a cache (the time per record after the crossing
/// against before it); falling, as fixed costs spread over more records; or growing.
pub(crate) fn shape(results: &Results, layout: &str, figure: &str) -> Option<String> {
    let mut points: Vec<(&ScalePoint, f64)> = results
        .scaling
        .iter()
        .filter(|p| p.layout == layout && !p.runs.is_empty())
        .filter_map(|p| median_interval(&rounds(p, figure)).map(|i| (p, i.median)))
        .collect();
    points.sort_by_key(|(p, _)| p.records);
    let (first, last) = (points.first()?, points.last()?);
    if points.len() < 2 {
        return None;
    }
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, 0f64), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let range = format!(
        "{}–{} ns/record from {} to {} records",
        per_record(lo),
        per_record(hi),
        thousands(first.0.records),
        thousands(last.0.records)
    );
    if hi <= 1.25 * lo {
        return Some(format!("`{layout}` is flat: {range}"));
    }
    let steps: Vec<String> = results
        .machine
        .data_caches()
        .into_iter()
        .filter_map(|(name, size)| {
            let step = cache_step(&points, size.0)?;
            (step.ratio >= 1.3).then(|| {
                format!(
                    "{:.1}× where its data outgrows the {name} ({size}): {} ns/record at {} \
                     records ({}) against {} at {} ({})",
                    step.ratio,
                    per_record(step.after.1),
                    thousands(step.after.0.records),
                    Bytes(step.after.0.peak_bytes.map_or(0, |b| b.0)),
                    per_record(step.before.1),
                    thousands(step.before.0.records),
                    Bytes(step.before.0.peak_bytes.map_or(0, |b| b.0)),
                )
            })
        })
        .collect();
    Some(if !steps.is_empty() {
        format!(
            "`{layout}` steps up {}; overall {range}",
            steps.join("; and ")
        )
    } else if last.1 > 1.25 * first.1 {
        format!("`{layout}` grows steadily with size, with no step at a cache boundary: {range}")
    } else if last.1 * 1.25 < first.1 {
        format!(
            "`{layout}` gets cheaper per record as the data grows (fixed costs spread over more \
             records): {range}"
        )
    } else {
        format!("`{layout}` varies with size without a trend: {range}")
    })
}

/// The time per record just past a cache against just before it.
struct CacheStep<'a> {
    before: (&'a ScalePoint, f64),
    after: (&'a ScalePoint, f64),
    ratio: f64,
}

/// Where the data crosses `cache` bytes: the last point whose peak fits in it and the first
/// whose peak is at least twice it (a crossing takes about that long to show in full).
fn cache_step<'a>(points: &[(&'a ScalePoint, f64)], cache: u64) -> Option<CacheStep<'a>> {
    let bytes = |p: &ScalePoint| p.peak_bytes.map(|b| b.0);
    let before = points
        .iter()
        .rev()
        .find(|(p, _)| bytes(p).is_some_and(|b| b <= cache))?;
    let after = points
        .iter()
        .find(|(p, _)| bytes(p).is_some_and(|b| b >= 2 * cache))?;
    Some(CacheStep {
        before: *before,
        after: *after,
        ratio: after.1 / before.1.max(f64::MIN_POSITIVE),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_significant_digits_and_thousands() {
        assert_eq!(round2(40_123.0), 40_000);
        assert_eq!(round2(316_227.0), 320_000);
    }
}

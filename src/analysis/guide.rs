//! The decision guide: for named workload profiles, rank the layouts from the figures just
//! measured and say why in one line each, citing the numbers.
//!
//! Nothing here is canned advice: each ranking sorts by a measured quantity, so when the
//! numbers change, the advice changes. The only fixed facts are structural ones that no
//! measurement can change (whether a layout can add a field at run time).

use crate::format::per_record;
use crate::model::{LayoutRun, MemorySummary, Results, Timing};
use crate::pipeline::Stage;
use crate::record::INFORMATION_BYTES;

/// One workload profile and the layouts ranked for it, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    /// The profile's short name.
    pub profile: &'static str,
    /// The workload it describes.
    pub question: &'static str,
    /// What the ranking sorts by.
    pub metric: &'static str,
    /// Ranked layouts, best first.
    pub ranking: Vec<Ranked>,
    /// Layouts left out of the ranking, and why.
    pub excluded: Vec<(String, String)>,
}

/// A layout's place in one ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// The layout.
    pub layout: String,
    /// The figure it was ranked by (lower is better).
    pub score: f64,
    /// One line citing the numbers.
    pub why: String,
}

impl Advice {
    /// The one-sentence recommendation, or `None` when nothing could be ranked.
    pub fn verdict(&self) -> Option<String> {
        let best = self.ranking.first()?;
        let runner_up = self.ranking.get(1);
        Some(match runner_up {
            Some(next) if best.score > 0.0 && next.score / best.score < 1.005 => format!(
                "choose `{}`, level with `{}` (within 0.5 % on {}); the ranking below decides the rest",
                best.layout, next.layout, self.metric
            ),
            Some(next) if next.score > 0.0 && best.score > 0.0 => format!(
                "choose `{}` ({:.2}× better than `{}`, the next best, on {})",
                best.layout,
                next.score / best.score,
                next.layout,
                self.metric
            ),
            _ => format!("choose `{}`", best.layout),
        })
    }
}

fn memory_bytes(m: &MemorySummary) -> f64 {
    m.bytes_per_record
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

fn missing(data: &Results, what: &str, has: impl Fn(&LayoutRun) -> bool) -> Vec<(String, String)> {
    data.layouts
        .iter()
        .filter(|l| !has(l))
        .map(|l| (l.layout.clone(), format!("no {what} measured")))
        .collect()
}

/// The guide for `data`.
pub fn advise(data: &Results) -> Vec<Advice> {
    vec![
        memory_bound(data),
        full_scans(data),
        by_index(data),
        runtime_schema(data),
        short_lived(data),
    ]
}

fn memory_bound(data: &Results) -> Advice {
    let scored: Vec<_> = data
        .profiled()
        .map(|(l, m)| (l, m, memory_bytes(m)))
        .collect();
    let best = scored.iter().map(|s| s.2).fold(f64::INFINITY, f64::min);
    let ranking = scored
        .iter()
        .map(|(l, m, score)| Ranked {
            layout: l.layout.clone(),
            score: *score,
            why: format!(
                "{} B/record at peak ({:.2}× the {INFORMATION_BYTES}-byte floor, {}){}, {} allocations/record",
                per_record(*score),
                score / INFORMATION_BYTES as f64,
                times_best(*score, best),
                m.reserved_bytes_per_record
                    .map(|r| format!("; {} B/record reserved by the allocator", per_record(r)))
                    .unwrap_or_default(),
                crate::format::small(m.allocations_per_record),
            ),
        })
        .collect();
    Advice {
        profile: "memory-bound at large N",
        question: "many records must fit in RAM at once; heap per record decides how many",
        metric: "peak heap bytes per record",
        ranking: rank(ranking),
        excluded: missing(data, "heap profile", |l| l.memory.is_some()),
    }
}

fn scan_ns(t: &Timing) -> f64 {
    t.best_pipeline().per(t.records)
}

fn full_scans(data: &Results) -> Advice {
    let best = data
        .timed()
        .map(|(_, t)| scan_ns(t))
        .fold(f64::INFINITY, f64::min);
    let ranking = data
        .timed()
        .map(|(l, t)| Ranked {
            layout: l.layout.clone(),
            score: scan_ns(t),
            why: format!(
                "{} ns/record over filter + normalize + rolling + aggregate ({}); filter {} · normalize {} · rolling {} · aggregate {}",
                per_record(scan_ns(t)),
                times_best(scan_ns(t), best),
                per_record(t.best[Stage::Filter].per(t.records)),
                per_record(t.best[Stage::Normalize].per(t.records)),
                per_record(t.best[Stage::Rolling].per(t.records)),
                per_record(t.best[Stage::Aggregate].per(t.records)),
            ),
        })
        .collect();
    Advice {
        profile: "full scans",
        question: "every query walks all records (filters, transforms, aggregations)",
        metric: "pipeline ns per record",
        ranking: rank(ranking),
        excluded: missing(data, "timing", |l| l.timing.is_some()),
    }
}

fn access_ns(t: &Timing) -> f64 {
    t.access.per(t.access_reads)
}

fn by_index(data: &Results) -> Advice {
    let usable = |t: &Timing| t.access_reads > 0;
    let best = data
        .timed()
        .filter(|(_, t)| usable(t))
        .map(|(_, t)| access_ns(t))
        .fold(f64::INFINITY, f64::min);
    let ranking = data
        .timed()
        .filter(|(_, t)| usable(t))
        .map(|(l, t)| Ranked {
            layout: l.layout.clone(),
            score: access_ns(t),
            why: format!(
                "{} ns to read one whole record at a random index ({}; {} reads)",
                per_record(access_ns(t)),
                times_best(access_ns(t), best),
                t.access_reads
            ),
        })
        .collect();
    Advice {
        profile: "per-record access by index",
        question: "lookups of single records by position, in no particular order",
        metric: "ns per random read",
        ranking: rank(ranking),
        excluded: missing(data, "random-access timing", |l| {
            l.timing.as_ref().is_some_and(usable)
        }),
    }
}

fn runtime_schema(data: &Results) -> Advice {
    let best = data
        .timed()
        .filter(|(l, _)| l.runtime_schema)
        .map(|(_, t)| scan_ns(t))
        .fold(f64::INFINITY, f64::min);
    let ranking = data
        .timed()
        .filter(|(l, _)| l.runtime_schema)
        .map(|(l, t)| Ranked {
            layout: l.layout.clone(),
            score: scan_ns(t),
            why: format!(
                "fields are data, so a new one needs no code change; {} ns/record pipeline ({}){}",
                per_record(scan_ns(t)),
                times_best(scan_ns(t), best),
                l.memory
                    .as_ref()
                    .map(|m| format!(", {} B/record", per_record(memory_bytes(m))))
                    .unwrap_or_default()
            ),
        })
        .collect();
    let mut excluded: Vec<(String, String)> = data
        .layouts
        .iter()
        .filter(|l| !l.runtime_schema)
        .map(|l| {
            (
                l.layout.clone(),
                "fixed struct: a new field is a code change and a rebuild".to_owned(),
            )
        })
        .collect();
    excluded.extend(missing(data, "timing", |l| {
        !l.runtime_schema || l.timing.is_some()
    }));
    Advice {
        profile: "schema that changes at run time",
        question: "fields are added or renamed without recompiling (user-defined columns, plugins)",
        metric: "pipeline ns per record among layouts that allow it",
        ranking: rank(ranking),
        excluded,
    }
}

fn batch_ns(t: &Timing) -> f64 {
    (t.best[Stage::Ingest].0 + t.drop.0) as f64 / t.records.max(1) as f64
}

fn short_lived(data: &Results) -> Advice {
    let best = data
        .timed()
        .map(|(_, t)| batch_ns(t))
        .fold(f64::INFINITY, f64::min);
    let ranking = data
        .timed()
        .map(|(l, t)| Ranked {
            layout: l.layout.clone(),
            score: batch_ns(t),
            why: format!(
                "build + drop {} ns/record ({}): ingest {} · drop {}{}",
                per_record(batch_ns(t)),
                times_best(batch_ns(t), best),
                per_record(t.best[Stage::Ingest].per(t.records)),
                per_record(t.drop.per(t.records)),
                l.memory
                    .as_ref()
                    .map(|m| format!(
                        ", {} allocations/record",
                        per_record(m.allocations as f64 / t.records.max(1) as f64)
                    ))
                    .unwrap_or_default()
            ),
        })
        .collect();
    Advice {
        profile: "short-lived batches dropped at once",
        question: "a batch is built, processed once and thrown away (per request, per file)",
        metric: "ingest + drop ns per record",
        ranking: rank(ranking),
        excluded: missing(data, "timing", |l| l.timing.is_some()),
    }
}

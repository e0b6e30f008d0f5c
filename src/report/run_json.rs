//! `run --json`: the document of SPEC §6, one entry per layout.

use serde::Serialize;

use crate::analysis::figures;
use crate::model::costs::Costs;
use crate::model::{self, FailureKind, MemorySummary, PerStage, Results, Workload};
use crate::pipeline::SensorStats;
use crate::units::Nanos;

/// The whole `run --json` document.
#[derive(Debug, Serialize)]
struct Document<'a> {
    workload: &'a Workload,
    results: Vec<Entry<'a>>,
}

/// One layout's result.
#[derive(Debug, Serialize)]
struct Entry<'a> {
    /// The layout's registry name.
    layout: &'a str,
    /// Records ingested (before the filter).
    records: u64,
    /// Records that survived the filter.
    kept: u64,
    /// Σ(normalized + rolling_avg) over kept records, in store order.
    checksum: f64,
    /// Per-sensor aggregates, sorted by id bytewise.
    sensors: &'a [SensorStats],
    /// Wall-clock nanoseconds per stage: the median of the `--repeat` rounds.
    timing_ns: PerStage<Nanos>,
    /// The fastest round's nanoseconds per stage.
    timing_ns_best: &'a PerStage<Nanos>,
    /// Every round's nanoseconds per stage, in the order the rounds ran.
    timing_ns_rounds: &'a [PerStage<Nanos>],
    /// Heap figures, when memory was measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<&'a MemorySummary>,
    /// Why memory could not be measured for this layout, when it was asked for and failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    memory_error: Option<&'a str>,
    /// Deterministic costs per stage (`costs.<stage>.total` and `.per_record`), with
    /// `--costs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    costs: Option<&'a Costs>,
    /// Why costs could not be measured for this layout, when they were asked for and
    /// failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    costs_error: Option<&'a str>,
}

/// The document, pretty-printed, with a final newline.
pub(crate) fn render(results: &Results) -> serde_json::Result<Vec<u8>> {
    let doc = Document {
        workload: &results.workload,
        results: results
            .timed()
            .map(|(l, t)| Entry {
                layout: &l.layout,
                records: t.records,
                kept: t.kept.unwrap_or(t.records),
                checksum: t.checksum.unwrap_or_default(),
                sensors: model::sensors(l),
                timing_ns: figures::median_times(t),
                timing_ns_best: &t.best,
                timing_ns_rounds: &t.runs,
                memory: l.memory.as_ref(),
                memory_error: l.failure(FailureKind::Heap).map(|f| f.message.as_str()),
                costs: l.costs.as_ref(),
                costs_error: l.failure(FailureKind::Costs).map(|f| f.message.as_str()),
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&doc)?;
    bytes.push(b'\n');
    Ok(bytes)
}

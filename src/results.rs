//! The results model: what `run --json` prints (SPEC §6) and what reports are built from.
//!
//! Field names here are a public contract: keys may be added, never removed or renamed.

use serde::{Deserialize, Serialize};

use crate::measure::StageTimes;
use crate::pipeline::{Aggregates, SensorStats};

/// The workload every layout in a run ingested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// `"generated"` or the input file's path.
    pub source: String,
    /// Readings the source yielded (after skipping bad rows).
    pub records: u64,
    /// Distinct sensor ids among those readings.
    pub sensors: u64,
    /// The rolling window.
    pub window: usize,
    /// The generator's seed; `null` for a file.
    pub seed: Option<u64>,
    /// Bad rows skipped with `--skip-invalid` (0 otherwise).
    pub skipped: u64,
}

/// Whole-run heap figures of one layout, from dhat in a process of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemorySummary {
    /// The largest number of heap bytes live at once (dhat `max_bytes`), as requested.
    pub peak_bytes: u64,
    /// Heap blocks allocated over the run (dhat `total_blocks`).
    pub allocations: u64,
    /// `peak_bytes / records`.
    pub bytes_per_record: f64,
}

/// One layout's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutResult {
    /// The layout's registry name.
    pub layout: String,
    /// Records ingested (before the filter).
    pub records: u64,
    /// Records that survived the filter.
    pub kept: u64,
    /// Σ(normalized + rolling_avg) over kept records, in store order.
    pub checksum: f64,
    /// Per-sensor aggregates, sorted by id bytewise.
    pub sensors: Vec<SensorStats>,
    /// Wall-clock nanoseconds per stage (the best of `--repeat` runs).
    pub timing_ns: StageTimes,
    /// Heap figures, when memory was measured.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub memory: Option<MemorySummary>,
}

impl LayoutResult {
    /// Builds a result from the pipeline's output.
    pub fn new(layout: &str, records: u64, aggregates: Aggregates, timing_ns: StageTimes) -> Self {
        LayoutResult {
            layout: layout.to_owned(),
            records,
            kept: aggregates.kept,
            checksum: aggregates.checksum,
            sensors: aggregates.sensors,
            timing_ns,
            memory: None,
        }
    }

    /// The aggregates part of the result, for comparing layouts.
    pub fn aggregates(&self) -> Aggregates {
        Aggregates {
            kept: self.kept,
            checksum: self.checksum,
            sensors: self.sensors.clone(),
        }
    }
}

/// The whole `run --json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// What was run.
    pub workload: Workload,
    /// One entry per layout, in the order asked for.
    pub results: Vec<LayoutResult>,
}

//! The results model: what `run --json` prints (SPEC §6) and what reports are built from.
//!
//! Field names here are a public contract: keys may be added, never removed or renamed.

use serde::{Deserialize, Serialize};

use crate::measure::StageTimes;
use crate::pipeline::{Aggregates, SensorStats, Stage};

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

/// Heap figures of one layout, measured in a process of its own (see
/// [`crate::measure::heap`]): for the whole run, and per pipeline phase in [`Self::phases`].
///
/// Two kinds of bytes appear, always labelled:
/// - **requested** (`peak_bytes`, `total_bytes`, …): the sizes the program asked the
///   allocator for, as dhat counts them (massif's `mem_heap_B`);
/// - **reserved** (`reserved_*`): what the allocator really set aside for those blocks
///   (`malloc_usable_size`): each request rounded up to the allocator's size classes, so
///   never less. `null` on platforms that cannot tell (anything but Linux).
///
/// Per-record figures divide by the records ingested (before the filter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemorySummary {
    /// The most requested heap bytes live at once over the run (dhat `max_bytes`).
    pub peak_bytes: u64,
    /// Heap allocations over the run (dhat `total_blocks`: every `alloc` and every
    /// `realloc`, so a growing `Vec` counts once per growth).
    pub allocations: u64,
    /// `peak_bytes / records`.
    pub bytes_per_record: f64,
    /// Requested bytes allocated over the run (dhat `total_bytes`; a `realloc` counts its
    /// whole new size).
    pub total_bytes: u64,
    /// `allocations / records`.
    pub allocations_per_record: f64,
    /// Heap blocks live at the requested peak (dhat `max_blocks`).
    pub peak_blocks: u64,
    /// The most reserved heap bytes live at once over the run (`malloc_usable_size`).
    pub reserved_peak_bytes: Option<u64>,
    /// `reserved_peak_bytes / records`.
    pub reserved_bytes_per_record: Option<f64>,
    /// The same figures per pipeline phase.
    pub phases: PhaseMemories,
    /// Where the dhat profile of this run was saved (open it in DHAT's `dh_view.html`).
    pub profile: Option<String>,
}

/// Heap figures of one pipeline phase. Peaks count everything live during the phase,
/// including what earlier phases left (the store), not only what the phase added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseMemory {
    /// The most requested bytes live at once during the phase.
    pub peak_bytes: u64,
    /// `peak_bytes / records`.
    pub bytes_per_record: f64,
    /// The most reserved bytes (`malloc_usable_size`) live at once during the phase.
    pub reserved_peak_bytes: Option<u64>,
    /// `reserved_peak_bytes / records`.
    pub reserved_bytes_per_record: Option<f64>,
    /// Allocations during the phase (`alloc` and `realloc` calls, from dhat).
    pub allocations: u64,
    /// `allocations / records`.
    pub allocations_per_record: f64,
    /// Requested bytes allocated during the phase (from dhat).
    pub total_bytes: u64,
    /// Requested bytes live when the phase ended.
    pub live_bytes_at_end: u64,
}

/// [`PhaseMemory`] for each pipeline stage, keyed like `timing_ns`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseMemories {
    /// Building the store from the source.
    pub ingest: PhaseMemory,
    /// Dropping bad values, compacting in place.
    pub filter: PhaseMemory,
    /// Computing `normalized`.
    pub normalize: PhaseMemory,
    /// Computing `rolling_avg` (the per-sensor ring buffers live here).
    pub rolling: PhaseMemory,
    /// Per-sensor statistics and the checksum.
    pub aggregate: PhaseMemory,
}

impl PhaseMemories {
    /// The figures of one stage.
    pub fn get(&self, stage: Stage) -> &PhaseMemory {
        match stage {
            Stage::Ingest => &self.ingest,
            Stage::Filter => &self.filter,
            Stage::Normalize => &self.normalize,
            Stage::Rolling => &self.rolling,
            Stage::Aggregate => &self.aggregate,
        }
    }
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
    /// Why memory could not be measured for this layout, when it was asked for and failed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub memory_error: Option<String>,
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
            memory_error: None,
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

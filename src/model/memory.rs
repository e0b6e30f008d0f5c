//! Heap figures: a layout's whole run and each of its phases, from dhat and the allocator.

use serde::{Deserialize, Serialize};

use super::PerStage;
use crate::units::Bytes;

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
    pub peak_bytes: Bytes,
    /// Heap allocations over the run (dhat `total_blocks`: every `alloc` and every
    /// `realloc`, so a growing `Vec` counts once per growth).
    pub allocations: u64,
    /// `peak_bytes / records`.
    pub bytes_per_record: f64,
    /// Requested bytes allocated over the run (dhat `total_bytes`; a `realloc` counts its
    /// whole new size).
    pub total_bytes: Bytes,
    /// `allocations / records`.
    pub allocations_per_record: f64,
    /// Heap blocks live at the requested peak (dhat `max_blocks`).
    pub peak_blocks: u64,
    /// The most reserved heap bytes live at once over the run (`malloc_usable_size`).
    pub reserved_peak_bytes: Option<Bytes>,
    /// `reserved_peak_bytes / records`.
    pub reserved_bytes_per_record: Option<f64>,
    /// The same figures per pipeline phase.
    pub phases: PerStage<PhaseMemory>,
    /// For a user's record: the source alone (its records made and dropped, one by one, in
    /// the same process before the stores are built): what it allocates for the records it
    /// hands over, such as a generator's `format!`, which phase `ingest` counts too and the
    /// store's own figures take off. Absent for the built-in pipeline and older results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<PhaseMemory>,
    /// Where the dhat profile of this run was saved (open it in DHAT's `dh_view.html`).
    pub profile: Option<String>,
}

/// Heap figures of one pipeline phase. Peaks count everything live during the phase,
/// including what earlier phases left (the store), not only what the phase added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseMemory {
    /// The most requested bytes live at once during the phase.
    pub peak_bytes: Bytes,
    /// `peak_bytes / records`.
    pub bytes_per_record: f64,
    /// The most reserved bytes (`malloc_usable_size`) live at once during the phase.
    pub reserved_peak_bytes: Option<Bytes>,
    /// `reserved_peak_bytes / records`.
    pub reserved_bytes_per_record: Option<f64>,
    /// Allocations during the phase (`alloc` and `realloc` calls, from dhat).
    pub allocations: u64,
    /// `allocations / records`.
    pub allocations_per_record: f64,
    /// Requested bytes allocated during the phase (from dhat).
    pub total_bytes: Bytes,
    /// Requested bytes live when the phase ended.
    pub live_bytes_at_end: Bytes,
}

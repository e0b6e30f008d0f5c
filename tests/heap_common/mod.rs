//! Shared by the per-layout heap tests. Each `tests/heap_<layout>.rs` is a process of its
//! own, as dhat requires (one profiler at a time per process), and installs
//! [`SwitchAlloc`] as its global allocator.
//!
//! dhat and the counters see every thread's allocations, and libtest's own threads allocate
//! while a test runs (rarely, but enough to make exact counts flaky on a loaded machine), so
//! these files have no test harness (`harness = false` in `Cargo.toml`): `main` runs the
//! checks on the only thread there is.
//!
//! [`profile`] runs one layout under a dhat profiler in testing mode and checks what must
//! hold for every layout before handing the figures to the layout's own assertions.

use layoutlab::layouts::Layout;
use layoutlab::measure::heap::{self, SwitchAlloc};
use layoutlab::model::MemorySummary;
use layoutlab::pipeline::{Stage, DEFAULT_WINDOW};
use layoutlab::source::{Generator, GeneratorConfig};

/// Distinct sensors in every heap test's workload.
pub const SENSORS: u32 = 64;

/// Profiles layout `L` over `records` generated readings and runs `check` while the
/// profiler still runs (so it may use `dhat::assert!`). Returns the figures.
///
/// Checked for every layout: the figures are dhat's; no stage allocates outside its span;
/// filter and normalize allocate nothing (filter compacts in place); reserved bytes are
/// never fewer than requested; the whole-run peak is the largest phase peak.
pub fn profile<L: Layout>(records: u64, check: impl FnOnce(&MemorySummary)) -> MemorySummary {
    SwitchAlloc::track();
    let mut source = Generator::new(GeneratorConfig {
        records,
        sensors: SENSORS,
        seed: 7,
    });
    let profiler = dhat::Profiler::builder()
        .testing()
        .trim_backtraces(Some(4))
        .build();
    let (outcome, memory) = heap::measure::<L, _>(&profiler, &mut source, DEFAULT_WINDOW)
        .unwrap_or_else(|e| panic!("{}: {e}", L::NAME));
    let stats = dhat::HeapStats::get();

    dhat::assert_eq!(outcome.records, records);
    dhat::assert_eq!(stats.max_bytes as u64, memory.peak_bytes.0);
    dhat::assert_eq!(stats.total_blocks, memory.allocations);
    dhat::assert_eq!(stats.total_bytes, memory.total_bytes.0);
    let phases: Vec<_> = Stage::ALL.iter().map(|&s| &memory.phases[s]).collect();
    dhat::assert_eq!(
        phases.iter().map(|p| p.allocations).sum::<u64>(),
        memory.allocations,
        "every allocation happens inside a stage"
    );
    dhat::assert_eq!(
        phases.iter().map(|p| p.peak_bytes).max(),
        Some(memory.peak_bytes)
    );
    dhat::assert_eq!(
        memory.phases[Stage::Filter].allocations,
        0,
        "filter compacts in place"
    );
    dhat::assert_eq!(memory.phases[Stage::Normalize].allocations, 0);
    dhat::assert!(
        memory.phases[Stage::Normalize].live_bytes_at_end.0
            == memory.phases[Stage::Filter].live_bytes_at_end.0,
        "normalize neither allocates nor frees"
    );
    if let Some(reserved) = memory.reserved_peak_bytes {
        dhat::assert!(reserved >= memory.peak_bytes);
        for p in &phases {
            dhat::assert!(p.reserved_peak_bytes.unwrap_or_default() >= p.peak_bytes);
        }
    }
    dhat::assert!(
        (memory.bytes_per_record - memory.peak_bytes.0 as f64 / records as f64).abs() < 1e-9
    );
    if let Some(reserved) = memory.reserved_bytes_per_record {
        // The declared figure sizes runs up front (refusals, sweeps): it must not be far off.
        let declared = L::HEAP_BYTES_PER_RECORD as f64;
        dhat::assert!(
            reserved <= declared * 1.15 && reserved >= declared * 0.7,
            "{}: {reserved:.1} B/record reserved, HEAP_BYTES_PER_RECORD says {declared}",
            L::NAME
        );
    }
    check(&memory);
    drop(profiler);
    memory
}

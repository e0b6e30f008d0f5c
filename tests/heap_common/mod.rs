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

// Every `tests/heap_<layout>.rs` compiles this module on its own and uses only the part
// its layout needs.
#![allow(dead_code)]

use layoutlab::layouts::Layout;
use layoutlab::measure::heap::{self, SwitchAlloc};
use layoutlab::model::MemorySummary;
use layoutlab::pipeline::{Stage, DEFAULT_WINDOW};
use layoutlab::record::INFORMATION_BYTES;
use layoutlab::source::{Generator, GeneratorConfig};

/// Distinct sensors in every heap test's workload.
pub const SENSORS: u32 = 64;

/// How a layout's filter and normalize stages treat the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stages {
    /// The filter compacts in place and normalize writes in place: neither allocates.
    /// Every layout that owns mutable storage.
    InPlace,
    /// The filter and normalize build new arrays and drop the ones they replace, by design
    /// (immutable columnar formats such as Arrow). They may allocate, which the layout's
    /// own test bounds; they must still not leave the live heap larger than they found it.
    Rebuild,
}

/// Profiles layout `L` over `records` generated readings and runs `check` while the
/// profiler still runs (so it may use `dhat::assert!`). Returns the figures.
///
/// Checked for every layout: the figures are dhat's; no stage allocates outside its span;
/// filter and normalize allocate nothing (filter compacts in place); the filter leaves no
/// more live heap than ingest did, and normalize exactly as much as the filter; reserved
/// bytes are never fewer than requested; the whole-run peak is the largest phase peak.
pub fn profile<L: Layout>(records: u64, check: impl FnOnce(&MemorySummary)) -> MemorySummary {
    profile_stages::<L>(records, Stages::InPlace, check)
}

/// [`profile`] for a layout whose filter and normalize rebuild arrays by design
/// ([`Stages::Rebuild`]): every check of [`profile`] but the two that those stages
/// allocate nothing.
pub fn profile_stages<L: Layout>(
    records: u64,
    stages: Stages,
    check: impl FnOnce(&MemorySummary),
) -> MemorySummary {
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
    if stages == Stages::InPlace {
        dhat::assert_eq!(
            memory.phases[Stage::Filter].allocations,
            0,
            "filter compacts in place"
        );
        dhat::assert_eq!(memory.phases[Stage::Normalize].allocations, 0);
    }
    dhat::assert!(
        memory.phases[Stage::Filter].live_bytes_at_end
            <= memory.phases[Stage::Ingest].live_bytes_at_end,
        "the filter leaves no more heap than ingest did"
    );
    dhat::assert!(
        memory.phases[Stage::Normalize].live_bytes_at_end
            == memory.phases[Stage::Filter].live_bytes_at_end,
        "normalize frees exactly what it allocates (nothing, or the column it replaces)"
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

/// The heap facts of a layout that keeps each record in the 35 bytes of SPEC §1, in buffers
/// reserved once from the source's announced size: at 50 000 and 100 000 records, the peak
/// is at least 35 bytes a record and at most 10 % above; ingest and rolling allocate per
/// sensor, never per record; the filter frees nothing (the buffers keep their capacity);
/// and ingest's allocation count does not depend on the record count.
///
/// `check` adds the layout's own facts, under the profiler.
pub fn pin_35_bytes_a_record<L: Layout>(check: impl Fn(&MemorySummary, u64)) {
    let small = 50_000;
    let large = 2 * small;
    let mut ingest_allocations = Vec::new();
    for records in [small, large] {
        let memory = profile::<L>(records, |m| {
            let floor = INFORMATION_BYTES as u64 * records;
            dhat::assert!(m.peak_bytes.0 >= floor, "{} < {floor}", m.peak_bytes.0);
            dhat::assert!(
                m.peak_bytes.0 as f64 <= 1.10 * floor as f64,
                "{}: {} B is more than 10 % above 35 B x {records}",
                L::NAME,
                m.peak_bytes.0
            );
            // Ingest allocates for the sensors (ids, intern table) and once per buffer.
            dhat::assert!(
                m.phases[Stage::Ingest].allocations < 8 * u64::from(SENSORS),
                "{}: {} ingest allocations",
                L::NAME,
                m.phases[Stage::Ingest].allocations
            );
            // Rolling allocates ring buffers per sensor, nothing per record.
            dhat::assert!(m.phases[Stage::Rolling].allocations < 8 * u64::from(SENSORS));
            // Filter compacts in place: nothing is freed, the buffers keep their capacity.
            dhat::assert_eq!(
                m.phases[Stage::Filter].live_bytes_at_end,
                m.phases[Stage::Ingest].live_bytes_at_end
            );
            check(m, records);
        });
        ingest_allocations.push(memory.phases[Stage::Ingest].allocations);
    }
    assert_eq!(
        ingest_allocations[0],
        ingest_allocations[1],
        "{}'s ingest allocations must not depend on the record count",
        L::NAME
    );
}

//! Heap measurement: peak heap, allocations and bytes per record, per layout and per
//! pipeline phase, from dhat — each layout in a process of its own.
//!
//! dhat's allocator slows every allocation, even with no profiler running, so heap figures
//! are never taken in a process that takes timings. The pieces:
//!
//! - [`SwitchAlloc`] (in `alloc.rs`): the `layoutlab` binary's global allocator, the system
//!   allocator until the process declares itself a profiling child at startup, then dhat
//!   plus counters of requested and reserved bytes with per-phase peaks.
//! - [`measure`]: runs the pipeline for one layout under a running dhat profiler and turns
//!   dhat's statistics and the counters into a [`MemorySummary`], per phase through the
//!   pipeline's [`StageObserver`] hooks. The heap tests call it directly.
//! - `child`: what `layoutlab profile-heap` (the hidden child command) does: one layout,
//!   one dhat profile saved for DHAT's viewer, one JSON [`ChildReport`] on stdout. The
//!   timing process starts the children after its timed runs (`crate::session`).

mod alloc;
pub(crate) mod child;

use std::num::NonZeroUsize;

use serde::{Deserialize, Serialize};

pub use self::alloc::{reserved_is_known, Counting, CountingError, Counts, SwitchAlloc};
use crate::error::SourceError;
use crate::layouts::Layout;
use crate::model::{MemorySummary, PerStage, PhaseMemory};
use crate::pipeline::{self, Outcome, Stage, StageObserver};
use crate::source::Source;
use crate::units::Bytes;

/// Why a heap measurement failed.
#[derive(Debug, thiserror::Error)]
pub enum HeapError {
    /// The counters could not start.
    #[error(transparent)]
    Counting(#[from] CountingError),
    /// The profiler had seen allocations before the measurement began, so its peak would
    /// not be the layout's.
    #[error(
        "the dhat profiler had already seen {blocks} allocation(s); start it right before \
         measuring"
    )]
    NotFresh {
        /// Allocations dhat had already counted.
        blocks: u64,
    },
    /// The source or the layout failed.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// What was measured failed (a user's store or workload).
    #[error(transparent)]
    Run(anyhow::Error),
    /// layoutlab's counters and dhat saw different allocations: the reserved and per-phase
    /// figures cannot be trusted.
    #[error(
        "layoutlab's heap counters disagree with dhat on {what}: {counted} vs {dhat} (is \
         SwitchAlloc the global allocator?)"
    )]
    Disagree {
        /// Which figure.
        what: &'static str,
        /// dhat's figure.
        dhat: u64,
        /// The counters' figure.
        counted: u64,
    },
}

/// What a profiling child prints on stdout: its layout's heap figures, and enough of its
/// run for the parent to check that it ran the same workload as the timed runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildReport {
    /// The layout's registry name.
    pub layout: String,
    /// Records ingested.
    pub records: u64,
    /// Records kept by the filter.
    pub kept: u64,
    /// The run's checksum.
    pub checksum: f64,
    /// The heap figures.
    pub memory: MemorySummary,
}

/// Raw figures of one phase, before dividing by the record count.
#[derive(Debug, Clone, Copy, Default)]
struct RawPhase {
    peak: i64,
    reserved_peak: i64,
    blocks: u64,
    bytes: u64,
    live_at_end: usize,
}

/// Most phases one heap measurement tells apart (the pipeline's five stages; a user's
/// ingest and up to 63 workloads). Held in an array, so that taking the figures allocates
/// nothing and disturbs nothing.
pub const MAX_PHASES: usize = 64;

/// Marks the phases of a heap measurement: [`PhaseHooks::begin`] and [`PhaseHooks::end`]
/// around each phase read dhat and the counters. It allocates nothing, so it does not
/// disturb what it measures. For the pipeline it is the [`StageObserver`].
pub struct PhaseHooks<'a> {
    counting: &'a Counting,
    start: Option<dhat::HeapStats>,
    phases: [RawPhase; MAX_PHASES],
}

impl PhaseHooks<'_> {
    /// A phase starts: its peaks restart at what is live now.
    pub fn begin(&mut self) {
        self.start = Some(dhat::HeapStats::get());
        self.counting.start_phase();
    }

    /// Phase number `phase` (in the order of the names given to [`measure_phases`]) ends.
    ///
    /// # Panics
    ///
    /// If `phase >= MAX_PHASES`.
    pub fn end(&mut self, phase: usize) {
        let end = dhat::HeapStats::get();
        let counts = self.counting.counts();
        let start = self.start.take().unwrap_or_else(|| end.clone());
        self.phases[phase] = RawPhase {
            peak: counts.requested_phase_peak,
            reserved_peak: counts.reserved_phase_peak,
            blocks: end.total_blocks - start.total_blocks,
            bytes: end.total_bytes - start.total_bytes,
            live_at_end: end.curr_bytes,
        };
    }
}

impl StageObserver for PhaseHooks<'_> {
    fn before(&mut self, _: Stage) {
        self.begin();
    }

    fn after(&mut self, stage: Stage) {
        self.end(stage as usize);
    }
}

fn per(amount: u64, records: u64) -> f64 {
    Bytes(amount).per(records)
}

fn unsigned(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

fn reserved(x: i64) -> Option<u64> {
    reserved_is_known().then_some(unsigned(x))
}

/// Runs the pipeline for layout `L` over `source` and measures its heap: whole run and per
/// phase, requested (dhat) and reserved (counters).
///
/// Call it right after starting a dhat heap profiler (`_profiler` is the proof one runs),
/// in a process whose global allocator is [`SwitchAlloc`] with [`SwitchAlloc::track`]
/// called; allocate nothing in between. The figures cover everything allocated from the
/// first stage on, including the source's own small buffers; the store is dropped before
/// this returns (after the last phase), the returned aggregates are not.
///
/// # Errors
///
/// If the counters cannot run ([`HeapError::Counting`]), the profiler has already seen
/// allocations ([`HeapError::NotFresh`]), the source or layout fails, or the counters
/// disagree with dhat ([`HeapError::Disagree`], which means [`SwitchAlloc`] is not the
/// global allocator or a bug).
///
/// # Panics
///
/// If no dhat heap profiler is running (dhat's own panic).
///
/// # Examples
///
/// In a test file of its own (dhat allows one profiler at a time per process):
///
/// ```no_run
/// use layoutlab::layouts::Soa;
/// use layoutlab::measure::heap::{self, SwitchAlloc};
/// use layoutlab::pipeline::DEFAULT_WINDOW;
/// use layoutlab::source::{Generator, GeneratorConfig};
///
/// #[global_allocator]
/// static ALLOC: SwitchAlloc = SwitchAlloc;
///
/// SwitchAlloc::track();
/// let mut source = Generator::new(GeneratorConfig { records: 100_000, sensors: 64, seed: 1 });
/// let profiler = dhat::Profiler::builder().testing().build();
/// let (_, memory) = heap::measure::<Soa, _>(&profiler, &mut source, DEFAULT_WINDOW).unwrap();
/// dhat::assert_eq!(dhat::HeapStats::get().max_bytes as u64, memory.peak_bytes.0);
/// assert!(memory.bytes_per_record < 38.5);
/// ```
pub fn measure<L: Layout, S: Source>(
    profiler: &dhat::Profiler,
    source: &mut S,
    window: NonZeroUsize,
) -> Result<(Outcome, MemorySummary), HeapError> {
    measure_phases(profiler, Phases::Pipeline, |hooks| {
        let outcome = pipeline::run::<L, S, _>(source, window, hooks)?;
        let records = outcome.records;
        Ok::<_, HeapError>((outcome, records))
    })
}

/// The names of the phases a measurement tells apart.
#[derive(Debug, Clone, Copy)]
pub enum Phases<'n> {
    /// The pipeline's five stages (named without allocating).
    Pipeline,
    /// Phases of these names, in order.
    Named(&'n [String]),
}

/// Measures the heap of whatever `body` runs, whole and per phase: `body` marks its phases
/// with the [`PhaseHooks`] it is given and returns its result with the number of records
/// it ingested (what per-record figures divide by).
///
/// The rules of [`measure`] apply: call it right after starting a dhat profiler, in a
/// process whose global allocator is a tracking [`SwitchAlloc`].
///
/// # Errors
///
/// As [`measure`]; an error of `body` comes back as itself.
///
/// # Panics
///
/// If no dhat heap profiler is running (dhat's own panic), or if `phases` has more than
/// [`MAX_PHASES`] names.
pub fn measure_phases<T, E: Into<HeapError>>(
    _profiler: &dhat::Profiler,
    phases: Phases<'_>,
    body: impl FnOnce(&mut PhaseHooks<'_>) -> Result<(T, u64), E>,
) -> Result<(T, MemorySummary), HeapError> {
    let start = dhat::HeapStats::get();
    if start.total_blocks != 0 {
        return Err(HeapError::NotFresh {
            blocks: start.total_blocks,
        });
    }
    let counting = Counting::start()?;
    let mut hooks = PhaseHooks {
        counting: &counting,
        start: None,
        phases: [RawPhase::default(); MAX_PHASES],
    };
    let outcome = body(&mut hooks);
    let end = dhat::HeapStats::get();
    let counts = counting.counts();
    let raw = hooks.phases;
    drop(counting);
    let (outcome, n) = outcome.map_err(Into::into)?;

    for (what, dhat, counted) in [
        ("allocations", end.total_blocks, counts.blocks),
        ("bytes allocated", end.total_bytes, counts.bytes),
        (
            "peak bytes",
            end.max_bytes as u64,
            unsigned(counts.requested_peak),
        ),
    ] {
        if dhat != counted {
            return Err(HeapError::Disagree {
                what,
                dhat,
                counted,
            });
        }
    }

    let phase = |i: usize| {
        let raw = raw[i];
        let reserved_peak = reserved(raw.reserved_peak);
        PhaseMemory {
            peak_bytes: Bytes(unsigned(raw.peak)),
            bytes_per_record: per(unsigned(raw.peak), n),
            reserved_peak_bytes: reserved_peak.map(Bytes),
            reserved_bytes_per_record: reserved_peak.map(|b| per(b, n)),
            allocations: raw.blocks,
            allocations_per_record: per(raw.blocks, n),
            total_bytes: Bytes(raw.bytes),
            live_bytes_at_end: Bytes(raw.live_at_end as u64),
        }
    };
    let phases = match phases {
        Phases::Pipeline => PerStage::from_stages(|stage| phase(stage as usize)),
        Phases::Named(names) => {
            assert!(names.len() <= MAX_PHASES, "at most {MAX_PHASES} phases");
            PerStage::from_names(names, |i, _| phase(i))
        }
    };
    let reserved_peak = reserved(counts.reserved_peak);
    let summary = MemorySummary {
        source: None,
        peak_bytes: Bytes(end.max_bytes as u64),
        allocations: end.total_blocks,
        bytes_per_record: per(end.max_bytes as u64, n),
        total_bytes: Bytes(end.total_bytes),
        allocations_per_record: per(end.total_blocks, n),
        peak_blocks: end.max_blocks as u64,
        reserved_peak_bytes: reserved_peak.map(Bytes),
        reserved_bytes_per_record: reserved_peak.map(|b| per(b, n)),
        phases,
        profile: None,
    };
    Ok((outcome, summary))
}

/// Runs the pipeline for layout `L` over `source` and measures its heap from the counters
/// alone, in a process switched with [`SwitchAlloc::count_only`]: peak requested and reserved
/// bytes and allocations of the whole run, without dhat's stack walk per allocation (so
/// large sizes take seconds, not minutes), and without phases or a profile. The counters
/// are the ones [`measure`] checks against dhat.
///
/// # Errors
///
/// If counting cannot start (the process does not count), or the source or layout fails.
pub fn count<L: Layout, S: Source>(
    source: &mut S,
    window: NonZeroUsize,
) -> Result<(Outcome, MemorySummary), HeapError> {
    let counting = Counting::start()?;
    let outcome = pipeline::run::<L, S, _>(source, window, &mut ());
    let counts = counting.counts();
    drop(counting);
    let outcome = outcome?;
    let n = outcome.records;
    let peak = unsigned(counts.requested_peak);
    let reserved_peak = reserved(counts.reserved_peak);
    Ok((
        outcome,
        MemorySummary {
            source: None,
            peak_bytes: Bytes(peak),
            allocations: counts.blocks,
            bytes_per_record: per(peak, n),
            total_bytes: Bytes(counts.bytes),
            allocations_per_record: per(counts.blocks, n),
            peak_blocks: 0,
            reserved_peak_bytes: reserved_peak.map(Bytes),
            reserved_bytes_per_record: reserved_peak.map(|b| per(b, n)),
            phases: PerStage::default(),
            profile: None,
        },
    ))
}

/// Whether [`SwitchAlloc`] is this process's global allocator and tracking: an allocation
/// must reach its counters. A program that forgot to install it would measure nothing, and
/// say so here instead of reporting empty figures.
///
/// # Errors
///
/// [`CountingError::NotTracking`] if [`SwitchAlloc::track`] was not called, or
/// [`CountingError::NotInstalled`] if the allocation went elsewhere.
pub fn check_installed() -> Result<(), CountingError> {
    let counting = Counting::start()?;
    let probe = std::hint::black_box(Box::new([0u8; 64]));
    drop(probe);
    if counting.counts().blocks == 0 {
        return Err(CountingError::NotInstalled);
    }
    Ok(())
}

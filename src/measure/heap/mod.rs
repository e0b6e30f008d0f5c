//! Heap measurement: peak heap, allocations and bytes per record, per layout and per
//! pipeline phase, as dhat counts them — each layout in a process of its own.
//!
//! A counting allocator slows every allocation, and dhat's far more, so heap figures are
//! never taken in a process that takes timings. The pieces:
//!
//! - [`SwitchAlloc`] (in `alloc.rs`): the `layoutlab` binary's global allocator, the system
//!   allocator until the process declares itself a profiling child at startup, then dhat
//!   plus counters of requested and reserved bytes with per-phase peaks.
//! - [`count`]: runs the pipeline for one layout and turns the counters into a
//!   [`MemorySummary`], per phase through the pipeline's [`StageObserver`] hooks: dhat's
//!   figures, without dhat's stack walk per allocation. What `run --memory` and `compare`
//!   measure by default.
//! - [`measure`]: the same under a running dhat profiler, every figure checked against
//!   dhat's, for a profile to open in DHAT's viewer. The heap tests call it directly.
//! - `child`: what `layoutlab profile-heap` (the hidden child command) does: one layout,
//!   counted (or, when a profile is asked for, profiled under dhat), one JSON
//!   [`ChildReport`] on stdout. The timing process starts the children after its timed
//!   runs (`crate::session`).

mod alloc;
pub(crate) mod child;
mod counting;

use std::num::NonZeroUsize;

use serde::{Deserialize, Serialize};

pub use self::alloc::{reserved_is_known, SwitchAlloc};
pub use self::counting::{Counting, CountingError, Counts};
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
    live_at_end: i64,
    /// dhat's view of the same phase, when dhat runs: `(allocations, bytes allocated, bytes
    /// live at the end)`, which must be the counters'.
    dhat: Option<(u64, u64, u64)>,
}

/// Most phases one heap measurement tells apart (the pipeline's five stages; a user's
/// ingest and up to 63 workloads). Held in an array, so that taking the figures allocates
/// nothing and disturbs nothing.
pub const MAX_PHASES: usize = 64;

/// What was counted when a phase began.
#[derive(Debug, Clone)]
struct PhaseStart {
    counts: Counts,
    dhat: Option<dhat::HeapStats>,
}

/// Marks the phases of a heap measurement: [`PhaseHooks::begin`] and [`PhaseHooks::end`]
/// around each phase read the counters (and dhat, when it runs, to check them). It
/// allocates nothing, so it does not disturb what it measures. For the pipeline it is the
/// [`StageObserver`].
pub struct PhaseHooks<'a> {
    counting: &'a Counting,
    dhat: bool,
    start: Option<PhaseStart>,
    phases: [RawPhase; MAX_PHASES],
}

impl PhaseHooks<'_> {
    fn now(&self) -> PhaseStart {
        PhaseStart {
            counts: self.counting.counts(),
            dhat: self.dhat.then(dhat::HeapStats::get),
        }
    }

    /// A phase starts: its peaks restart at what is live now.
    pub fn begin(&mut self) {
        self.start = Some(self.now());
        self.counting.start_phase();
    }

    /// Phase number `phase` (in the order of the names given to [`measure_phases`]) ends.
    ///
    /// # Panics
    ///
    /// If `phase >= MAX_PHASES`.
    pub fn end(&mut self, phase: usize) {
        let end = self.now();
        let start = self.start.take().unwrap_or_else(|| end.clone());
        let (counts, from) = (end.counts, start.counts);
        self.phases[phase] = RawPhase {
            peak: counts.requested_phase_peak,
            reserved_peak: counts.reserved_phase_peak,
            blocks: counts.blocks - from.blocks,
            bytes: counts.bytes - from.bytes,
            live_at_end: counts.requested_live,
            dhat: match (end.dhat, start.dhat) {
                (Some(end), Some(start)) => Some((
                    end.total_blocks - start.total_blocks,
                    end.total_bytes - start.total_bytes,
                    end.curr_bytes as u64,
                )),
                _ => None,
            },
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
/// phase, requested and reserved, from the counters, each figure checked against dhat's.
///
/// Call it right after starting a dhat heap profiler (`_profiler` is the proof one runs),
/// in a process whose global allocator is [`SwitchAlloc`] with [`SwitchAlloc::track`]
/// called; allocate nothing in between. The figures cover everything allocated from the
/// first stage on, including the source's own small buffers; the store is dropped before
/// this returns (after the last phase), the returned aggregates are not. [`count`] gives
/// the same figures without dhat.
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
        pipeline_body::<L, S>(source, window, hooks)
    })
}

/// Runs the pipeline for layout `L` over `source` and measures its heap from the counters
/// alone, in a process switched with [`SwitchAlloc::count_only`]: the figures [`measure`]
/// gives — whole run and per phase, requested and reserved, allocations, blocks at the
/// peak — without dhat's stack walk per allocation (so large sizes take seconds, not
/// minutes) and without a profile. They are the counters [`measure`] checks against dhat,
/// so the two agree to the byte (`tests/memory_cli.rs` compares them layout by layout).
///
/// # Errors
///
/// If counting cannot start (the process does not count), or the source or layout fails.
pub fn count<L: Layout, S: Source>(
    source: &mut S,
    window: NonZeroUsize,
) -> Result<(Outcome, MemorySummary), HeapError> {
    count_phases(Phases::Pipeline, |hooks| {
        pipeline_body::<L, S>(source, window, hooks)
    })
}

/// The pipeline as the body of a measurement: its outcome and the records it ingested.
fn pipeline_body<L: Layout, S: Source>(
    source: &mut S,
    window: NonZeroUsize,
    hooks: &mut PhaseHooks<'_>,
) -> Result<(Outcome, u64), HeapError> {
    let outcome = pipeline::run::<L, S, _>(source, window, hooks)?;
    let records = outcome.records;
    Ok((outcome, records))
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
    let (outcome, summary, raw, end) = phased(true, phases, body)?;
    let end = end.expect("dhat's figures were read");
    let checks = [
        ("allocations", end.total_blocks, summary.allocations),
        ("bytes allocated", end.total_bytes, summary.total_bytes.0),
        ("peak bytes", end.max_bytes as u64, summary.peak_bytes.0),
        (
            "blocks at the peak",
            end.max_blocks as u64,
            summary.peak_blocks,
        ),
    ];
    let phase_checks = raw
        .iter()
        .filter_map(|p| Some((p.dhat?, p)))
        .flat_map(|(d, p)| {
            [
                ("allocations in a phase", d.0, p.blocks),
                ("bytes allocated in a phase", d.1, p.bytes),
                ("bytes live at a phase's end", d.2, unsigned(p.live_at_end)),
            ]
        });
    for (what, dhat, counted) in checks.into_iter().chain(phase_checks) {
        if dhat != counted {
            return Err(HeapError::Disagree {
                what,
                dhat,
                counted,
            });
        }
    }
    Ok((outcome, summary))
}

/// [`measure_phases`] from the counters alone, in a process switched with
/// [`SwitchAlloc::count_only`] (see [`count`]): the same figures, no dhat, no profile.
///
/// # Errors
///
/// If counting cannot start, or as `body` fails.
///
/// # Panics
///
/// If `phases` has more than [`MAX_PHASES`] names.
pub fn count_phases<T, E: Into<HeapError>>(
    phases: Phases<'_>,
    body: impl FnOnce(&mut PhaseHooks<'_>) -> Result<(T, u64), E>,
) -> Result<(T, MemorySummary), HeapError> {
    phased(false, phases, body).map(|(outcome, summary, ..)| (outcome, summary))
}

/// What [`phased`] measured: the outcome, the figures, each phase's raw figures, and dhat's
/// statistics when `body` ended (when dhat runs).
type Phased<T> = (
    T,
    MemorySummary,
    [RawPhase; MAX_PHASES],
    Option<dhat::HeapStats>,
);

/// The measurement both [`measure_phases`] and [`count_phases`] make: the counters around
/// `body`, with dhat's view of each phase and of the whole beside them when `dhat` runs
/// (read before anything here allocates).
fn phased<T, E: Into<HeapError>>(
    dhat: bool,
    phases: Phases<'_>,
    body: impl FnOnce(&mut PhaseHooks<'_>) -> Result<(T, u64), E>,
) -> Result<Phased<T>, HeapError> {
    let counting = Counting::start()?;
    let mut hooks = PhaseHooks {
        counting: &counting,
        dhat,
        start: None,
        phases: [RawPhase::default(); MAX_PHASES],
    };
    let outcome = body(&mut hooks);
    let counts = counting.counts();
    let dhat_end = dhat.then(dhat::HeapStats::get);
    let raw = hooks.phases;
    drop(counting);
    let (outcome, n) = outcome.map_err(Into::into)?;

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
            live_bytes_at_end: Bytes(unsigned(raw.live_at_end)),
        }
    };
    let phases = match phases {
        Phases::Pipeline => PerStage::from_stages(|stage| phase(stage as usize)),
        Phases::Named(names) => {
            assert!(names.len() <= MAX_PHASES, "at most {MAX_PHASES} phases");
            PerStage::from_names(names, |i, _| phase(i))
        }
    };
    let peak = unsigned(counts.requested_peak);
    let reserved_peak = reserved(counts.reserved_peak);
    let summary = MemorySummary {
        source: None,
        peak_bytes: Bytes(peak),
        allocations: counts.blocks,
        bytes_per_record: per(peak, n),
        total_bytes: Bytes(counts.bytes),
        allocations_per_record: per(counts.blocks, n),
        peak_blocks: unsigned(counts.peak_blocks),
        reserved_peak_bytes: reserved_peak.map(Bytes),
        reserved_bytes_per_record: reserved_peak.map(|b| per(b, n)),
        phases,
        profile: None,
    };
    Ok((outcome, summary, raw, dhat_end))
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

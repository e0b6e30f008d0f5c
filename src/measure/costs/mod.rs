//! Deterministic costs (SPEC §7): instructions and simulated cache misses per stage, from
//! valgrind's callgrind with its cache simulation, each layout in a process of its own.
//!
//! Wall-clock time on a shared machine moves from run to run; the counts of a simulated CPU
//! do not, so they can gate regressions that timings cannot see. The pieces:
//!
//! - [`client_request`]: the x86_64 trapdoor into valgrind (the one `unsafe` here).
//! - [`CallgrindMarks`]: a [`StageObserver`](crate::pipeline::StageObserver) that makes
//!   callgrind dump its counts at every stage boundary, so each dump is one stage (or the
//!   gap between two, or the store's drop).
//! - [`child`]: what `layoutlab profile-costs` (hidden) does under callgrind: one layout's
//!   pipeline, once, with the marks, and a small JSON report on stdout.
//! - `spawn`: the parent's side: the child's command wrapped in valgrind, run like every
//!   profiling child, its dump files read into [`Costs`] and removed.
//!
//! Figures are per span of the run (see [`Costs`]), each as raw callgrind [`Events`], the
//! four [`CostCounts`] of SPEC §7, and those divided by the records ingested.
//!
//! # What the counts depend on
//!
//! The same command gives the same counts, to the event: checked for every layout at
//! 100 000 records, and in `tests/costs.rs`. They depend on the binary, the workload, the
//! simulated caches ([`SimulatedCaches::TYPICAL`] unless asked otherwise, so not on the
//! host's) and valgrind's version; not on the environment, the binary's directory or the
//! time (the parent's side, `spawn.rs`, says how the child is kept from them). Hash maps
//! use fixed seeds ([`crate::hash`]), or the instruction counts would move from run to
//! run. One thing still differs between machines: glibc and some crates pick `memcpy`,
//! `memchr` and friends by the CPU's features, which valgrind passes through, so a machine
//! without AVX2 counts other instructions in those functions.
//!
//! # What it costs to run
//!
//! Measured on a loaded 2-core machine, as CPU time (wall time was two to four times
//! that): a child takes about 0.33 s to start valgrind, then 55 to 170 times the native
//! CPU time (the compact layouts, whose native runs are shortest, slow down most).
//! Per layout at 1 000 000 records: `json_value` 90 s, `heap_map` 79 s, `boxed` 19 s,
//! `plain` 10 s, `arena` 7.8 s, `soa` 7.0 s, `inline` 6.9 s, `packed` 5.5 s, `zero_copy`
//! 4.3 s — 231 s for all nine; at 100 000 records, 25 s for all nine. A smaller run with
//! [`SimulatedCaches::scaled_for`] gives nearly the larger run's per-record figures.

mod assemble;
pub mod child;
pub mod client_request;
mod dump;
mod observer;
// `pub(crate)` for the session: `spawn::Callgrind` wraps a subject's child in valgrind and
// reads its dumps, `spawn::builtin_child` is the built-in pipeline's child.
pub(crate) mod spawn;

pub use self::dump::DumpError;
pub use self::observer::CallgrindMarks;
pub use self::spawn::{
    measure_layout, valgrind_version, CostError, CostPlan, MeasuredCosts, VALGRIND_ENV,
};
pub use crate::model::costs::{
    CacheGeometry, CostCounts, Costs, CostsPerRecord, Events, SimulatedCaches, StageCosts,
};

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

pub mod child;
pub mod client_request;
mod dump;
mod observer;
// `pub(crate)` for the session: `spawn::Callgrind` wraps a subject's child in valgrind and
// reads its dumps, `spawn::builtin_child` is the built-in pipeline's child.
pub(crate) mod spawn;

use std::fmt;
use std::ops::Add;

use serde::{Deserialize, Serialize};

pub use self::dump::DumpError;
pub use self::observer::CallgrindMarks;
pub use self::spawn::{
    measure_layout, valgrind_version, CostError, CostPlan, MeasuredCosts, VALGRIND_ENV,
};
use crate::model::PerStage;
use crate::units::Bytes;

/// Callgrind's raw event counts for one span of a run, as its cache simulation
/// (`--cache-sim=yes`) reports them. Kept so that reports can explain the derived figures.
///
/// The simulated machine has a first-level instruction cache (I1), a first-level data
/// cache (D1) and one unified last-level cache (LL); a miss in LL goes to RAM.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Events {
    /// Instructions executed (`Ir`).
    pub ir: u64,
    /// Data reads (`Dr`).
    pub dr: u64,
    /// Data writes (`Dw`).
    pub dw: u64,
    /// Instruction fetches that missed I1 (`I1mr`).
    pub i1mr: u64,
    /// Data reads that missed D1 (`D1mr`).
    pub d1mr: u64,
    /// Data writes that missed D1 (`D1mw`).
    pub d1mw: u64,
    /// Instruction fetches that missed LL too (`ILmr`).
    pub ilmr: u64,
    /// Data reads that missed LL too (`DLmr`).
    pub dlmr: u64,
    /// Data writes that missed LL too (`DLmw`).
    pub dlmw: u64,
}

impl Events {
    /// Callgrind's names for the fields, in the order of its default `events:` line.
    pub const NAMES: [&'static str; 9] = [
        "Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw",
    ];

    /// The count callgrind calls `name` (one of [`Events::NAMES`]).
    fn slot(&mut self, name: &str) -> Option<&mut u64> {
        Some(match name {
            "Ir" => &mut self.ir,
            "Dr" => &mut self.dr,
            "Dw" => &mut self.dw,
            "I1mr" => &mut self.i1mr,
            "D1mr" => &mut self.d1mr,
            "D1mw" => &mut self.d1mw,
            "ILmr" => &mut self.ilmr,
            "DLmr" => &mut self.dlmr,
            "DLmw" => &mut self.dlmw,
            _ => return None,
        })
    }

    /// Memory references: instruction fetches plus data reads and writes.
    pub fn references(&self) -> u64 {
        self.ir.saturating_add(self.dr).saturating_add(self.dw)
    }

    /// References that missed a first-level cache (I1 or D1).
    pub fn l1_misses(&self) -> u64 {
        self.i1mr
            .saturating_add(self.d1mr)
            .saturating_add(self.d1mw)
    }

    /// References that missed LL as well: in the cycle model, RAM hits.
    pub fn ram_hits(&self) -> u64 {
        self.ilmr
            .saturating_add(self.dlmr)
            .saturating_add(self.dlmw)
    }

    /// References served by a first-level cache.
    pub fn l1_hits(&self) -> u64 {
        self.references().saturating_sub(self.l1_misses())
    }

    /// References that missed the first level and hit LL.
    pub fn ll_hits(&self) -> u64 {
        self.l1_misses().saturating_sub(self.ram_hits())
    }

    /// The four figures of SPEC §7.
    pub fn counts(&self) -> CostCounts {
        CostCounts {
            instructions: self.ir,
            d1_misses: self.d1mr.saturating_add(self.d1mw),
            ll_misses: self.dlmr.saturating_add(self.dlmw),
            // L1 hits + 5 × LL hits + 35 × RAM hits, written without subtractions:
            // (refs − l1m) + 5 (l1m − ram) + 35 ram = refs + 4 l1m + 30 ram. It is linear
            // in the events, so the figure of a sum of spans is the sum of their figures.
            est_cycles: self
                .references()
                .saturating_add(self.l1_misses().saturating_mul(4))
                .saturating_add(self.ram_hits().saturating_mul(30)),
        }
    }
}

impl Add for Events {
    type Output = Events;

    fn add(self, o: Events) -> Events {
        Events {
            ir: self.ir.saturating_add(o.ir),
            dr: self.dr.saturating_add(o.dr),
            dw: self.dw.saturating_add(o.dw),
            i1mr: self.i1mr.saturating_add(o.i1mr),
            d1mr: self.d1mr.saturating_add(o.d1mr),
            d1mw: self.d1mw.saturating_add(o.d1mw),
            ilmr: self.ilmr.saturating_add(o.ilmr),
            dlmr: self.dlmr.saturating_add(o.dlmr),
            dlmw: self.dlmw.saturating_add(o.dlmw),
        }
    }
}

impl std::iter::Sum for Events {
    fn sum<I: Iterator<Item = Events>>(iter: I) -> Events {
        iter.fold(Events::default(), Add::add)
    }
}

/// The four deterministic figures of SPEC §7 for one span of a run.
///
/// Plain `u64`s rather than unit newtypes: all four are counts of simulated events that
/// are never mixed with bytes or nanoseconds, and each field's name says what it counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostCounts {
    /// Instructions executed (callgrind's `Ir`).
    pub instructions: u64,
    /// Data reads and writes that missed the first-level data cache (`D1mr + D1mw`).
    pub d1_misses: u64,
    /// Data reads and writes that missed the last-level cache too and went to RAM
    /// (`DLmr + DLmw`). Instruction fetches that miss LL (`ILmr`) are left out, as
    /// `d1_misses` leaves out I1's: both figures are about the layout's data. They are
    /// counted in `est_cycles`, and kept in the raw [`Events`].
    pub ll_misses: u64,
    /// Estimated cycles, the model iai-callgrind and gungraun use:
    /// `L1 hits + 5 × LL hits + 35 × RAM hits`, where RAM hits = `ILmr + DLmr + DLmw`,
    /// LL hits = `I1mr + D1mr + D1mw` − RAM hits, and L1 hits = `Ir + Dr + Dw` −
    /// (`I1mr + D1mr + D1mw`).
    pub est_cycles: u64,
}

impl CostCounts {
    /// Each figure divided by `records` (all 0 when there are none).
    pub fn per_record(&self, records: u64) -> CostsPerRecord {
        let per = |x: u64| {
            if records == 0 {
                0.0
            } else {
                x as f64 / records as f64
            }
        };
        CostsPerRecord {
            instructions: per(self.instructions),
            d1_misses: per(self.d1_misses),
            ll_misses: per(self.ll_misses),
            est_cycles: per(self.est_cycles),
        }
    }
}

/// [`CostCounts`] divided by the records ingested (before the filter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CostsPerRecord {
    /// Instructions per record.
    pub instructions: f64,
    /// First-level data cache misses per record.
    pub d1_misses: f64,
    /// Last-level data cache misses per record.
    pub ll_misses: f64,
    /// Estimated cycles per record.
    pub est_cycles: f64,
}

/// One span's costs: the four figures in total and per record, and the raw events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct StageCosts {
    /// The four figures over the whole span.
    pub total: CostCounts,
    /// The four figures divided by the records ingested.
    pub per_record: CostsPerRecord,
    /// Callgrind's raw counts, from which the figures are derived.
    pub events: Events,
}

impl StageCosts {
    /// The costs of `events` for a run that ingested `records` records.
    pub fn new(events: Events, records: u64) -> Self {
        let total = events.counts();
        StageCosts {
            total,
            per_record: total.per_record(records),
            events,
        }
    }
}

/// The size and shape of one simulated cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheGeometry {
    /// Total capacity.
    pub size_bytes: Bytes,
    /// Bytes per cache line.
    pub line_bytes: Bytes,
    /// Associativity (lines per set).
    pub ways: u32,
}

impl fmt::Display for CacheGeometry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}-way, {}-byte lines",
            self.size_bytes, self.ways, self.line_bytes.0
        )
    }
}

/// The caches callgrind simulated (read back from its dump files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulatedCaches {
    /// First-level instruction cache.
    pub i1: CacheGeometry,
    /// First-level data cache.
    pub d1: CacheGeometry,
    /// Last-level (unified) cache.
    pub ll: CacheGeometry,
}

impl SimulatedCaches {
    /// The caches simulated unless asked otherwise: 32 KiB 8-way first-level caches and an
    /// 8 MiB 16-way last level, 64-byte lines — a common desktop core. Fixed rather than
    /// detected from the host (valgrind's default), so that two machines count the same
    /// misses for the same program; a server's last level of hundreds of MiB would hide
    /// every LL miss of a million-record run.
    pub const TYPICAL: SimulatedCaches = SimulatedCaches {
        i1: CacheGeometry {
            size_bytes: Bytes(32 * 1024),
            line_bytes: Bytes(64),
            ways: 8,
        },
        d1: CacheGeometry {
            size_bytes: Bytes(32 * 1024),
            line_bytes: Bytes(64),
            ways: 8,
        },
        ll: CacheGeometry {
            size_bytes: Bytes(8 * 1024 * 1024),
            line_bytes: Bytes(64),
            ways: 16,
        },
    };
}

impl SimulatedCaches {
    /// These caches with the last level shrunk by `measured / represented`, for a run of
    /// `measured` records that stands in for one of `represented`: the store then outgrows
    /// the simulated LL as the larger run's store outgrows the real one, and the per-record
    /// figures come out close to the larger run's at a fraction of the time (callgrind
    /// runs 60 to 170 times slower than native). The first-level caches stay: every
    /// workload of interest outgrows them many times over either way. Unchanged when
    /// `measured` is not smaller.
    ///
    /// Measured with [`SimulatedCaches::TYPICAL`] scaled from 1 000 000 to 100 000 records
    /// (LL 8 MiB → 1 MiB): `packed`, `soa`, `arena`, `inline` and `plain` gave LL misses
    /// and estimated cycles per record within 1 % of the 1 000 000-record run's, where the
    /// unscaled 8 MiB at 100 000 records gave up to 5 times fewer LL misses (the compact
    /// stores fit in it) and up to 11 % fewer cycles.
    ///
    /// valgrind wants a power-of-two number of sets, so the shrunk LL keeps its ways and
    /// line size and takes the power of two of sets nearest to the exact scale (at least
    /// the first-level data cache's size).
    ///
    /// # Examples
    ///
    /// ```
    /// use layoutlab::measure::costs::SimulatedCaches;
    ///
    /// let scaled = SimulatedCaches::TYPICAL.scaled_for(100_000, 1_000_000);
    /// assert_eq!(scaled.ll.size_bytes.0, 1024 * 1024);
    /// assert_eq!(scaled.d1, SimulatedCaches::TYPICAL.d1);
    /// ```
    pub fn scaled_for(self, measured: u64, represented: u64) -> SimulatedCaches {
        if measured == 0 || measured >= represented {
            return self;
        }
        let ll = self.ll;
        let set_bytes = u64::from(ll.ways) * ll.line_bytes.0;
        if set_bytes == 0 {
            return self;
        }
        let sets = (ll.size_bytes.0 / set_bytes) as f64 * measured as f64 / represented as f64;
        let sets = 2f64.powf(sets.max(1.0).log2().round()) as u64;
        let size = (sets * set_bytes).max(self.d1.size_bytes.0);
        SimulatedCaches {
            ll: CacheGeometry {
                size_bytes: Bytes(size),
                ..ll
            },
            ..self
        }
    }
}

impl fmt::Display for SimulatedCaches {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "I1 {}; D1 {}; LL {}", self.i1, self.d1, self.ll)
    }
}

/// One layout's deterministic costs: per stage in pipeline order, the pipeline's own code
/// between stages, the store's drop, and the whole run (from the start of ingest to the
/// end of the drop), which is the sum of all the others.
///
/// In JSON the stages sit beside the other spans, each under its name (`ingest`, …,
/// `aggregate`, `between_stages`, `drop`, `whole_run`), as SPEC §7's
/// `results[].costs.<stage>` wants them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Costs {
    /// Each stage's costs, in pipeline order. Ingest includes generating or parsing the
    /// readings.
    #[serde(flatten)]
    pub stages: PerStage<StageCosts>,
    /// Between stages: moving the store out of ingest's result and the stage marks
    /// themselves (about a hundred instructions in all).
    pub between_stages: StageCosts,
    /// Dropping the store (freeing every record).
    pub drop: StageCosts,
    /// The whole run: every span above added up.
    pub whole_run: StageCosts,
    /// The caches callgrind simulated.
    pub caches: SimulatedCaches,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `layoutlab:ingest` dump of `soa` at 20 000 records (host caches).
    const INGEST: Events = Events {
        ir: 9_272_780,
        dr: 2_151_449,
        dw: 1_280_791,
        i1mr: 321,
        d1mr: 394,
        d1mw: 11_110,
        ilmr: 321,
        dlmr: 310,
        dlmw: 11_099,
    };

    #[test]
    fn est_cycles_is_the_three_level_model() {
        let e = INGEST;
        let model = e.l1_hits() + 5 * e.ll_hits() + 35 * e.ram_hits();
        assert_eq!(e.counts().est_cycles, model);
        assert_eq!(e.l1_hits() + e.ll_hits() + e.ram_hits(), e.references());
        assert_eq!(e.counts().d1_misses, 394 + 11_110);
        assert_eq!(e.counts().ll_misses, 310 + 11_099);
    }

    #[test]
    fn figures_of_a_sum_are_sums_of_figures() {
        let small = Events {
            ir: 10,
            dw: 4,
            i1mr: 1,
            d1mw: 1,
            ilmr: 1,
            ..Events::default()
        };
        let sum = INGEST + small;
        assert_eq!(sum.ir, INGEST.ir + 10);
        assert_eq!(sum.ilmr, INGEST.ilmr + 1);
        assert_eq!(
            sum.counts().est_cycles,
            INGEST.counts().est_cycles + small.counts().est_cycles
        );
        assert_eq!([INGEST, small].into_iter().sum::<Events>(), sum);
    }

    #[test]
    fn per_record_divides_and_survives_zero_records() {
        let costs = StageCosts::new(INGEST, 20_000);
        assert_eq!(costs.per_record.instructions, 9_272_780.0 / 20_000.0);
        assert_eq!(
            costs.per_record.est_cycles,
            costs.total.est_cycles as f64 / 20_000.0
        );
        assert_eq!(INGEST.counts().per_record(0), CostsPerRecord::default());
    }

    #[test]
    fn scaled_caches_keep_power_of_two_sets() {
        let t = SimulatedCaches::TYPICAL;
        assert_eq!(t.scaled_for(1_000_000, 1_000_000), t);
        assert_eq!(t.scaled_for(2_000_000, 1_000_000), t);
        assert_eq!(t.scaled_for(0, 1_000_000), t);
        // 8 MiB / 10 = 819 KiB: 800 sets of 16 × 64 B, nearest power of two 1024.
        assert_eq!(
            t.scaled_for(100_000, 1_000_000).ll.size_bytes,
            Bytes(1 << 20)
        );
        assert_eq!(
            t.scaled_for(500_000, 1_000_000).ll.size_bytes,
            Bytes(4 << 20)
        );
        // Never below D1.
        assert_eq!(t.scaled_for(1, 1_000_000).ll.size_bytes, t.d1.size_bytes);
        let s = t.scaled_for(100_000, 1_000_000).ll;
        assert_eq!((s.ways, s.line_bytes), (16, Bytes(64)));
    }

    #[test]
    fn caches_print_readably() {
        assert_eq!(
            SimulatedCaches::TYPICAL.to_string(),
            "I1 32.0 KiB, 8-way, 64-byte lines; D1 32.0 KiB, 8-way, 64-byte lines; \
             LL 8.0 MiB, 16-way, 64-byte lines"
        );
    }
}

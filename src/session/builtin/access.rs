//! The by-index probe of the built-in subject: random whole-record reads of a layout's
//! store, timed. Where every store fits in memory at once, the probe builds them after the
//! timed rounds and reads them side by side, block after block ([`together`]); otherwise
//! each round probes the store its timed run built ([`probe`]).
//!
//! Side by side is what makes the comparison hold. On a shared machine the time of a random
//! read moves in episodes of a second or more that no process of ours causes (a 300 000
//! record `packed` store read at 5.0 ns and, in the next second, at 9 ns, for every pass of
//! that second); in the rounds, two layouts' probes are seconds apart, so an episode lands on
//! one and not the other, and the paired ratio of a round cannot cancel it. Passes a few
//! milliseconds apart see the same machine. And the blocks build fresh stores now and then,
//! because where a store's records land moves its reads by several per cent too: the
//! blocks' spread, and so the interval, includes some of it.

use std::time::Instant;

use super::{Layout, LayoutFn, SourceSpec};
use crate::layouts::visit_named;
use crate::pipeline;
use crate::units::Nanos;

/// Ingests into layout `L` (untimed), then [`probe`]s it.
pub(super) struct Access<'a> {
    pub(super) source: &'a SourceSpec,
    pub(super) reads: u64,
    pub(super) repeat: usize,
}

impl LayoutFn for Access<'_> {
    type Out = anyhow::Result<(u64, Nanos)>;

    fn call<L: Layout>(&mut self) -> Self::Out {
        let (store, _) = pipeline::ingest::<L, _>(&mut self.source.open())?;
        Ok(probe(&store, self.reads, self.repeat))
    }
}

/// Passes of the probe: at least one, then more while they took less than this in all, so
/// that a pass a busy neighbour interrupted is outvoted by the best one. A few milliseconds
/// is a scheduler quantum or two: one pass of a compact layout's 200 000 reads is that long.
const PROBE_BUDGET: std::time::Duration = std::time::Duration::from_millis(40);
/// At most this many passes: a compact layout's pass is under a millisecond, so 25 of them
/// span some 20 ms, longer than most disturbances (9 spanned 6 ms, and a whole round of
/// `packed` once read at 21 ns against its usual 3.5).
const PROBE_MAX_PASSES: usize = 25;

/// Times `reads` reads of `record(i)` (at most four per record) at pseudo-random indexes,
/// the same indexes for every layout at the same length, summing the values so the reads
/// cannot be optimised away: `(reads made, the best pass)`, of at least `repeat` passes and
/// as many more as [`PROBE_BUDGET`] allows.
pub(super) fn probe<L: Layout>(store: &L, reads: u64, repeat: usize) -> (u64, Nanos) {
    let n = store.len();
    let reads = reads.min(n as u64 * 4);
    if reads == 0 {
        return (0, Nanos(0));
    }
    let mut best = Nanos(u64::MAX);
    let started = Instant::now();
    let mut passes = 0;
    while passes < repeat.max(1) || (passes < PROBE_MAX_PASSES && started.elapsed() < PROBE_BUDGET)
    {
        best = best.min(pass(store, reads));
        passes += 1;
    }
    (reads, best)
}

/// A pass of the side-by-side probe should take about this long: a compact layout's pass
/// of 200 000 reads takes about a millisecond; a layout whose reads are a hundred times
/// slower (`heap_map`, `json_value`) reads [`MIN_READS`] instead of its 200 000 (which took
/// 240 ms a pass, a tenth of each round at 1 000 000 records).
const PASS_TARGET: std::time::Duration = std::time::Duration::from_millis(5);
/// The fewest reads of a pass: a sample of random indexes large enough that its mean read
/// time does not depend on which indexes they are.
const MIN_READS: u64 = 10_000;

/// One pass of `reads` reads at the probe's indexes over `store`: its time.
fn pass<L: Layout>(store: &L, reads: u64) -> Nanos {
    let n = store.len();
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let started = Instant::now();
    let mut sum = 0.0;
    for _ in 0..reads {
        let r = store.record(rng.usize(0..n));
        sum += r.value + r.timestamp + r.sensor_id.len() as f64;
    }
    std::hint::black_box(sum);
    Nanos::from_duration(started.elapsed())
}

/// A store held for the side-by-side probe: stores of every layout in one list, behind
/// one call per pass (each pass's reads are statically dispatched inside it).
trait Probed {
    /// One pass of `reads` reads.
    fn pass(&self, reads: u64) -> Nanos;
    /// Records in the store.
    fn records(&self) -> u64;
}

impl<L: Layout> Probed for L {
    fn pass(&self, reads: u64) -> Nanos {
        pass(self, reads)
    }

    fn records(&self) -> u64 {
        self.len() as u64
    }
}

/// Builds layout `L`'s store (untimed) for the side-by-side probe.
struct Build<'a> {
    source: &'a SourceSpec,
}

impl LayoutFn for Build<'_> {
    type Out = anyhow::Result<Box<dyn Probed>>;

    fn call<L: Layout>(&mut self) -> Self::Out {
        let (store, _) = pipeline::ingest::<L, _>(&mut self.source.open())?;
        Ok(Box::new(store))
    }
}

/// The reads of one pass over a store whose reads take `per_read`: as many of `reads` (at
/// most four per record) as fit in [`PASS_TARGET`], and at least [`MIN_READS`].
pub(super) fn reads_per_pass(reads: u64, records: u64, per_read: f64) -> u64 {
    let cap = reads.min(records.saturating_mul(4));
    let fit = if per_read > 0.0 {
        (PASS_TARGET.as_nanos() as f64 / per_read) as u64
    } else {
        cap
    };
    fit.clamp(MIN_READS.min(cap), cap)
}

/// Sweeps in a block: each one timed pass of every layout; a block's figure for a layout is
/// its best pass, so that an interruption of a few milliseconds is outvoted.
const SWEEPS_PER_BLOCK: usize = 3;

/// A layout whose store took less than this to build (and drop) gets a fresh store every
/// [`REBUILD_EVERY`] blocks: where its records land in memory moves its reads by several per
/// cent from one store to the next, and one store for all blocks would hide that in a
/// narrow interval. The slower builders (`heap_map`, `json_value`, `boxed`, whose reads are
/// ten to two hundred times the compact layouts') keep their first store.
const REBUILD_BELOW: std::time::Duration = std::time::Duration::from_millis(100);
/// Blocks between fresh stores: three stores a layout over nine blocks. A fresh store every
/// block took 10 s of a 1 000 000-record compare, against 5 s for one store in all; the
/// guide's 25 % band for random reads covers the rest of the stores' spread.
const REBUILD_EVERY: usize = 3;

/// One layout in the side-by-side probe.
struct Slot {
    store: Option<Box<dyn Probed>>,
    error: Option<anyhow::Error>,
    reads: u64,
    rebuild: bool,
    times: Vec<Nanos>,
}

/// The side-by-side probe of `layouts` over `source`, in `blocks` blocks. Blocks build the
/// stores (afresh now and then for the layouts that build quickly, see [`REBUILD_BELOW`]);
/// each block warms every store with one untimed pass, then makes [`SWEEPS_PER_BLOCK`]
/// sweeps, each one pass of every layout in a rotated order, a few milliseconds apart; a
/// layout's figure for the block is its best pass. A block is the probe's round: blocks
/// are paired, and their spread includes some of the stores'. The reads of a pass are chosen from a first pass of
/// [`MIN_READS`] ([`reads_per_pass`]). Per layout, `(reads per pass, each block's best
/// pass)`, or why its store could not be built.
pub(super) fn together(
    source: &SourceSpec,
    layouts: &[String],
    reads: u64,
    blocks: usize,
) -> Vec<anyhow::Result<(u64, Vec<Nanos>)>> {
    let mut slots: Vec<Slot> = layouts
        .iter()
        .map(|_| Slot {
            store: None,
            error: None,
            reads: 0,
            rebuild: false,
            times: Vec::with_capacity(blocks),
        })
        .collect();
    for block in 0..blocks {
        for (slot, name) in slots.iter_mut().zip(layouts) {
            if slot.error.is_some() || (block > 0 && !(slot.rebuild && block % REBUILD_EVERY == 0))
            {
                continue;
            }
            // The old store goes first, so that two never take up the memory at once.
            slot.store = None;
            let started = Instant::now();
            match visit_named(name, &mut Build { source }).map_err(anyhow::Error::from) {
                Ok(Ok(store)) => {
                    if block == 0 {
                        slot.rebuild = started.elapsed() < REBUILD_BELOW;
                        let first = MIN_READS.min(store.records() * 4);
                        if first > 0 {
                            // Warms the store (its pages, the TLB) and tells a read's cost.
                            let per_read = store.pass(first).0 as f64 / first as f64;
                            slot.reads = reads_per_pass(reads, store.records(), per_read);
                        }
                    }
                    slot.store = Some(store);
                }
                Ok(Err(e)) | Err(e) => slot.error = Some(e),
            }
        }
        let live: Vec<usize> = (0..slots.len())
            .filter(|&i| slots[i].store.is_some() && slots[i].reads > 0)
            .collect();
        let pass = |i: usize| {
            let slot = &slots[i];
            slot.store.as_ref().map_or(Nanos(0), |s| s.pass(slot.reads))
        };
        for &i in &live {
            pass(i);
        }
        let mut best = vec![Nanos(u64::MAX); slots.len()];
        for sweep in 0..SWEEPS_PER_BLOCK {
            let turn = block * SWEEPS_PER_BLOCK + sweep;
            for k in 0..live.len() {
                let i = live[(k + turn) % live.len()];
                best[i] = best[i].min(pass(i));
            }
        }
        for &i in &live {
            slots[i].times.push(best[i]);
        }
    }
    slots
        .into_iter()
        .map(|slot| match slot.error {
            Some(e) => Err(e),
            None => Ok((slot.reads, slot.times)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_reads_take_fewer_reads_a_pass_and_never_too_few() {
        // A compact layout's 5 ns reads: all 200 000 (1 ms).
        assert_eq!(reads_per_pass(200_000, 1_000_000, 5.0), 200_000);
        // 50 ns: as many as fit in 5 ms.
        assert_eq!(reads_per_pass(200_000, 1_000_000, 50.0), 100_000);
        // heap_map's 1.2 µs: the minimum, not 4 166.
        assert_eq!(reads_per_pass(200_000, 1_000_000, 1200.0), MIN_READS);
        // A small store: at most four reads a record, even below the minimum.
        assert_eq!(reads_per_pass(200_000, 1_000, 1200.0), 4_000);
        assert_eq!(reads_per_pass(200_000, 1_000, 0.0), 4_000);
    }

    #[test]
    fn every_layout_gets_one_figure_a_block() {
        let source = SourceSpec::Generated(crate::source::GeneratorConfig {
            records: 2_000,
            sensors: 8,
            seed: 1,
        });
        let names = ["packed".to_owned(), "heap_map".to_owned(), "soa".to_owned()];
        let out = together(&source, &names, 1_000, 7);
        for probed in out {
            let (reads, times) = probed.unwrap();
            assert_eq!(reads, 1_000);
            assert_eq!(times.len(), 7);
            assert!(times.iter().all(|t| t.0 > 0));
        }
    }
}

//! The by-index probe of the built-in subject: random whole-record reads of a layout's
//! store, timed. Where every store fits in memory at once, the probe builds them all after
//! the timed rounds and reads them side by side, one pass of each layout after another,
//! sweep after sweep ([`together`]); otherwise each round probes the store its timed run
//! built ([`probe`]).
//!
//! Side by side is what makes the comparison hold. On a shared machine the time of a random
//! read moves in episodes of a second or more that no process of ours causes (a 300 000
//! record `packed` store read at 5.0 ns and, in the next second, at 9 ns, for every pass of
//! that second); in the rounds, two layouts' probes are seconds apart, so an episode lands on
//! one and not the other, and the paired ratio of a round cannot cancel it. Passes a few
//! milliseconds apart see the same machine, and many sweeps give the median a narrow
//! interval.

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
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        let pass = Instant::now();
        let mut sum = 0.0;
        for _ in 0..reads {
            let r = store.record(rng.usize(0..n));
            sum += r.value + r.timestamp + r.sensor_id.len() as f64;
        }
        std::hint::black_box(sum);
        best = best.min(Nanos::from_duration(pass.elapsed()));
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
/// Reads that time one read's cost before the reads of a pass are chosen.
const CALIBRATION_READS: u64 = 2_000;

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

/// The side-by-side probe of `layouts` over `source`: each layout's store built, its reads
/// per pass chosen ([`reads_per_pass`]), one pass of each untimed to warm them alike, then
/// `sweeps` sweeps, each one timed pass of every layout in an order rotated by one each
/// sweep. Per layout, `(reads per pass, each sweep's pass)`, or why its store could not be
/// built.
pub(super) fn together(
    source: &SourceSpec,
    layouts: &[String],
    reads: u64,
    sweeps: usize,
) -> Vec<anyhow::Result<(u64, Vec<Nanos>)>> {
    let stores: Vec<anyhow::Result<Box<dyn Probed>>> = layouts
        .iter()
        .map(|name| visit_named(name, &mut Build { source }).map_err(anyhow::Error::from)?)
        .collect();
    let held: Vec<(usize, &dyn Probed, u64)> = stores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_ref().ok().map(|s| (i, s.as_ref())))
        .filter(|(_, s)| s.records() > 0)
        .map(|(i, s)| {
            let calibration = CALIBRATION_READS.min(s.records() * 4);
            let per_read = s.pass(calibration).0 as f64 / calibration as f64;
            (i, s, reads_per_pass(reads, s.records(), per_read))
        })
        .collect();
    for &(_, store, r) in &held {
        store.pass(r);
    }
    let mut times: Vec<Vec<Nanos>> = vec![Vec::with_capacity(sweeps); layouts.len()];
    for sweep in 0..sweeps {
        for k in 0..held.len() {
            let (i, store, r) = held[(k + sweep) % held.len()];
            times[i].push(store.pass(r));
        }
    }
    let chosen: Vec<Option<u64>> = (0..layouts.len())
        .map(|i| held.iter().find(|h| h.0 == i).map(|h| h.2))
        .collect();
    drop(held);
    stores
        .into_iter()
        .zip(chosen)
        .zip(times)
        .map(|((store, r), times)| store.map(|_| (r.unwrap_or(0), times)))
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
    fn every_layout_is_read_once_a_sweep() {
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
        }
    }
}

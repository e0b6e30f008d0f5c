//! The pipeline of SPEC §3, written once and generic over [`Layout`]:
//! ingest → filter → normalize → rolling → aggregate.
//!
//! All arithmetic lives here, in closures the layouts run over their own storage in store
//! order, so every layout performs the same floating-point operations in the same order
//! and the aggregates are bit-identical across layouts.

use std::num::NonZeroUsize;

use serde::{Deserialize, Serialize};

use crate::error::SourceError;
use crate::hash::FixedMap;
use crate::layouts::{Layout, Scanned, SensorKey};
use crate::record::Unit;
use crate::source::{Source, Streamed};

/// The default rolling window.
pub const DEFAULT_WINDOW: NonZeroUsize = match NonZeroUsize::new(16) {
    Some(w) => w,
    None => unreachable!(),
};

/// The pipeline's stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Build the store from the source.
    Ingest,
    /// Drop non-finite and out-of-range values, compacting in place.
    Filter,
    /// Map each value into 0..1 with its unit's range.
    Normalize,
    /// Per-sensor mean of the last W values.
    Rolling,
    /// Per-sensor statistics and the checksum.
    Aggregate,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 5] = [
        Stage::Ingest,
        Stage::Filter,
        Stage::Normalize,
        Stage::Rolling,
        Stage::Aggregate,
    ];

    /// The stage's name in JSON, bench ids and reports.
    pub const fn name(self) -> &'static str {
        match self {
            Stage::Ingest => "ingest",
            Stage::Filter => "filter",
            Stage::Normalize => "normalize",
            Stage::Rolling => "rolling",
            Stage::Aggregate => "aggregate",
        }
    }
}

/// Per-sensor state of the pipeline, in one `Vec` with a dense slot per sensor, found the
/// way the layout names sensors: an interned id is its own slot; a name is looked up in a
/// hash map and given the next free slot the first time it is seen.
#[derive(Debug)]
struct PerSensor<V> {
    state: Vec<V>,
    fresh: V,
    /// Slots below this are interned ids.
    interned: usize,
    by_name: FixedMap<Box<str>, usize>,
    /// The text of slot `interned + i`.
    names: Vec<Box<str>>,
}

impl<V: Clone> PerSensor<V> {
    fn new<L: Layout>(store: &L, fresh: V) -> Self {
        let interned = store.interned_sensors();
        PerSensor {
            state: vec![fresh.clone(); interned],
            fresh,
            interned,
            by_name: FixedMap::default(),
            names: Vec::new(),
        }
    }

    /// The slot of `key`'s sensor. Called once per record (through [`PerSensor::get`]), so
    /// it is always inlined into the layout's loop, where the interned case is just the id.
    #[inline(always)]
    fn slot(&mut self, key: SensorKey<'_>) -> usize {
        match key {
            SensorKey::Interned(id) => id as usize,
            SensorKey::Name(name) => self.named(name),
        }
    }

    /// The state of `key`'s sensor.
    #[inline(always)]
    fn get(&mut self, key: SensorKey<'_>) -> &mut V {
        let slot = self.slot(key);
        &mut self.state[slot]
    }

    /// The slot of the sensor called `name`. Out of line so that [`PerSensor::slot`] stays
    /// small enough to be inlined; a hash lookup per record dwarfs the call.
    #[inline(never)]
    fn named(&mut self, name: &str) -> usize {
        // Look up by `&str` first so the common case allocates nothing.
        if let Some(&slot) = self.by_name.get(name) {
            return slot;
        }
        let slot = self.state.len();
        self.state.push(self.fresh.clone());
        self.by_name.insert(name.into(), slot);
        self.names.push(name.into());
        slot
    }

    /// Every sensor's id and state, in slot order.
    fn into_named<'a, L: Layout>(self, store: &'a L) -> impl Iterator<Item = (String, V)> + 'a
    where
        V: 'a,
    {
        let interned = (0..self.interned).map(|id| store.interned_name(id as u32).to_owned());
        let named = self.names.into_iter().map(String::from);
        interned.chain(named).zip(self.state)
    }
}

/// Every sensor's last `window` values and their running sum, for the rolling stage.
///
/// The values of all sensors live in one flat buffer, a region per sensor, in one of two
/// arrangements chosen by the window (`GROWS`):
///
/// - Up to [`FIRST_RING`] (the default window, and below), every region is the window's
///   size, at `slot × window`, made when the sensor is first seen. The region's place is
///   then computed from the slot, not loaded, and nothing in the loop can move the buffer:
///   the fastest rolling stage, and no sensor costs more than [`FIRST_RING`] slots.
/// - Above it, a region grows with its sensor's records, never past the window: it starts
///   at [`FIRST_RING`] slots and doubles, moving to the end of the buffer (the old region is
///   left unused). A sensor with `k` records then holds at most `max(FIRST_RING, 2k)` slots,
///   plus less than that again in regions it left behind, whatever the window: memory
///   follows the records, and `--window 18446744073709551615` (the mean of everything so
///   far) costs no more than `--window 17`. The price is a few percent on the rolling stage
///   (the region's place is loaded, and the buffer's, since the loop may move it).
///
/// The sum is updated in O(1) per value (add the new, subtract the evicted) and re-summed
/// exactly from the ring, oldest first, each time the ring wraps, so rounding drift never
/// spans more than one window. Both arrangements perform the same operations in the same
/// order: a region only moves while it fills, before it wraps, and keeps its values in
/// arrival order.
#[derive(Debug)]
struct Rings<const GROWS: bool> {
    window: usize,
    /// Per slot, where its ring stands; slots as in [`PerSensor`].
    rings: PerSensor<Ring>,
    /// Every ring's region.
    values: Vec<f64>,
}

/// The largest window whose rings are made whole (see [`Rings`]), and the first size of a
/// growing ring's region: the default window.
const FIRST_RING: usize = DEFAULT_WINDOW.get();

/// Where one sensor's ring stands.
#[derive(Debug, Clone, Copy, Default)]
struct Ring {
    /// Where the ring's region starts in [`Rings::values`] (growing rings only).
    start: usize,
    /// The region's slots (growing rings only).
    capacity: usize,
    /// How many of the ring's slots hold values.
    len: usize,
    /// `len` as an `f64`, the divisor of the mean (converted while filling, not per value).
    divisor: f64,
    /// Once full, the slot of the oldest value.
    next: usize,
    sum: f64,
}

impl<const GROWS: bool> Rings<GROWS> {
    fn new<L: Layout>(store: &L, window: NonZeroUsize) -> Self {
        let rings = PerSensor::new(store, Ring::default());
        let window = window.get();
        let values = if GROWS {
            Vec::new()
        } else {
            vec![0.0; rings.state.len() * window]
        };
        Rings {
            window,
            rings,
            values,
        }
    }

    /// Adds `value` to `sensor`'s ring and returns the mean of the values now in it.
    ///
    /// Always inlined: it runs once per record, and only merged into the layout's loop do
    /// the rings' fields stay in registers (left to its heuristics, the optimiser inlined it
    /// into some layouts' loops and not others, which then made a call per record).
    #[inline(always)]
    fn push(&mut self, sensor: SensorKey<'_>, value: f64) -> f64 {
        let slot = match sensor {
            SensorKey::Interned(id) => id as usize,
            SensorKey::Name(name) => self.named(name),
        };
        let window = self.window;
        let ring = &mut self.rings.state[slot];
        if ring.len < window {
            if GROWS && ring.len == ring.capacity {
                // The buffer goes to `grow` by value: were its address to escape into the
                // call, the loop would reload more of it on every record.
                self.values = grow(ring, std::mem::take(&mut self.values), window);
            }
            let start = if GROWS { ring.start } else { slot * window };
            self.values[start + ring.len] = value;
            ring.len += 1;
            ring.divisor = ring.len as f64;
            ring.sum += value;
        } else {
            let start = if GROWS { ring.start } else { slot * window };
            let values = &mut self.values[start..][..window];
            let evicted = std::mem::replace(&mut values[ring.next], value);
            ring.sum = (ring.sum - evicted) + value;
            ring.next += 1;
            if ring.next == window {
                ring.next = 0;
                ring.sum = values.iter().sum();
            }
        }
        ring.sum / ring.divisor
    }

    /// The slot of the sensor called `name`; whole rings get their region here. Out of
    /// line, like [`PerSensor::named`].
    #[inline(never)]
    fn named(&mut self, name: &str) -> usize {
        let slot = self.rings.named(name);
        if !GROWS {
            self.values
                .resize(self.rings.state.len() * self.window, 0.0);
        }
        slot
    }
}

/// Gives a filling `ring` (`len == capacity < window`) a region twice as large (at most
/// the window, at least [`FIRST_RING`] slots) at the end of `values`, its values copied in
/// order. Out of line: it runs a few times per sensor, not per record.
#[cold]
#[inline(never)]
fn grow(ring: &mut Ring, mut values: Vec<f64>, window: usize) -> Vec<f64> {
    let capacity = (2 * ring.capacity).max(FIRST_RING).min(window);
    let start = values.len();
    values.extend_from_within(ring.start..ring.start + ring.len);
    values.resize(start + capacity, 0.0);
    ring.start = start;
    ring.capacity = capacity;
    values
}

/// Running per-sensor statistics.
#[derive(Debug, Clone)]
struct Accumulator {
    unit: Unit,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
    sum_normalized: f64,
    last_rolling_avg: f64,
}

impl Default for Accumulator {
    fn default() -> Self {
        Accumulator {
            unit: Unit::Celsius,
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sum_normalized: 0.0,
            last_rolling_avg: 0.0,
        }
    }
}

/// One sensor's aggregate over its kept records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensorStats {
    /// The sensor id.
    pub sensor_id: String,
    /// The sensor's unit.
    pub unit: Unit,
    /// Kept records of this sensor.
    pub count: u64,
    /// Mean of the values, summed in store order.
    pub mean: f64,
    /// Smallest value (the first one seen, among equals).
    pub min: f64,
    /// Largest value (the first one seen, among equals).
    pub max: f64,
    /// Mean of the normalized values.
    pub mean_normalized: f64,
    /// The rolling average of the sensor's last kept record.
    pub last_rolling_avg: f64,
}

/// The pipeline's result: what must be bit-identical across layouts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregates {
    /// Records that survived the filter.
    pub kept: u64,
    /// Σ(normalized + rolling_avg) over kept records, in store order.
    pub checksum: f64,
    /// One entry per sensor with at least one kept record, sorted by id bytewise.
    pub sensors: Vec<SensorStats>,
}

impl Aggregates {
    /// Whether two results are identical bit for bit (`==` would call `NaN != NaN` and
    /// `0.0 == -0.0`).
    pub fn bit_identical(&self, other: &Aggregates) -> bool {
        let f = |a: f64, b: f64| a.to_bits() == b.to_bits();
        self.kept == other.kept
            && f(self.checksum, other.checksum)
            && self.sensors.len() == other.sensors.len()
            && self.sensors.iter().zip(&other.sensors).all(|(a, b)| {
                a.sensor_id == b.sensor_id
                    && a.unit == b.unit
                    && a.count == b.count
                    && f(a.mean, b.mean)
                    && f(a.min, b.min)
                    && f(a.max, b.max)
                    && f(a.mean_normalized, b.mean_normalized)
                    && f(a.last_rolling_avg, b.last_rolling_avg)
            })
    }
}

/// Stage 1: builds a store of layout `L` from `source`.
pub fn ingest<L: Layout, S: Source>(source: &mut S) -> Result<(L, Streamed), SourceError> {
    let mut store = L::with_capacity(source.expected_records());
    let streamed = source.stream(|reading| store.push(reading))?;
    Ok((store, streamed))
}

/// Stage 2: removes every record whose value is not finite or outside its unit's range.
pub fn filter<L: Layout>(store: &mut L) {
    store.retain(|value, unit| unit.contains(value));
}

/// Stage 3: sets `normalized = (value - lo) / (hi - lo)`.
pub fn normalize<L: Layout>(store: &mut L) {
    store.set_normalized(|value, unit| unit.normalize(value));
}

/// Stage 4: sets each record's `rolling_avg` to the mean of its sensor's last
/// `min(window, k)` values, in store order.
pub fn rolling<L: Layout>(store: &mut L, window: NonZeroUsize) {
    // The closure owns the rings, so even where a layout's `set_rolling` is not inlined the
    // optimiser knows nothing else can reach them, and keeps their fields in registers.
    if window.get() <= FIRST_RING {
        let mut rings = Rings::<false>::new(store, window);
        store.set_rolling(move |sensor, value| rings.push(sensor, value));
    } else {
        let mut rings = Rings::<true>::new(store, window);
        store.set_rolling(move |sensor, value| rings.push(sensor, value));
    }
}

/// The aggregate stage's pass over the store: adds every record to its sensor's statistics
/// and returns the kept count and the checksum.
#[inline(never)]
fn accumulate<L: Layout>(store: &L, per_sensor: &mut PerSensor<Accumulator>) -> (u64, f64) {
    let mut kept = 0u64;
    let mut checksum = 0.0;
    store.scan(|sensor, r: Scanned| {
        let acc = per_sensor.get(sensor);
        acc.unit = r.unit;
        acc.count += 1;
        acc.sum += r.value;
        if r.value < acc.min {
            acc.min = r.value;
        }
        if r.value > acc.max {
            acc.max = r.value;
        }
        acc.sum_normalized += r.normalized;
        acc.last_rolling_avg = r.rolling_avg;
        kept += 1;
        checksum += r.normalized + r.rolling_avg;
    });
    (kept, checksum)
}

/// Stage 5: per-sensor statistics sorted by id, the kept count and the checksum.
pub fn aggregate<L: Layout>(store: &L) -> Aggregates {
    let mut per_sensor = PerSensor::new(store, Accumulator::default());
    let (kept, checksum) = accumulate(store, &mut per_sensor);

    let mut sensors: Vec<SensorStats> = per_sensor
        .into_named(store)
        .filter(|(_, acc)| acc.count > 0)
        .map(|(sensor_id, acc)| SensorStats {
            sensor_id,
            unit: acc.unit,
            count: acc.count,
            mean: acc.sum / acc.count as f64,
            min: acc.min,
            max: acc.max,
            mean_normalized: acc.sum_normalized / acc.count as f64,
            last_rolling_avg: acc.last_rolling_avg,
        })
        .collect();
    sensors.sort_unstable_by(|a, b| a.sensor_id.as_bytes().cmp(b.sensor_id.as_bytes()));
    Aggregates {
        kept,
        checksum,
        sensors,
    }
}

/// Called around every stage, so that timing and heap profiling wrap the same code.
pub trait StageObserver {
    /// Just before `stage` starts.
    fn before(&mut self, stage: Stage);
    /// Just after `stage` ends.
    fn after(&mut self, stage: Stage);
    /// Just before the store is dropped (after the aggregate stage).
    fn before_drop(&mut self) {}
    /// Just after the store is dropped.
    fn after_drop(&mut self) {}
}

/// An observer that does nothing.
impl StageObserver for () {
    fn before(&mut self, _: Stage) {}
    fn after(&mut self, _: Stage) {}
}

/// What one pipeline run produced.
#[derive(Debug)]
pub struct Outcome {
    /// Records the source yielded (before the filter).
    pub records: u64,
    /// What the source reported.
    pub streamed: Streamed,
    /// The aggregates.
    pub aggregates: Aggregates,
}

/// Runs all five stages over layout `L`, telling `observer` when each starts and ends.
/// The store is dropped after the aggregate stage, outside every stage's span (observers
/// see the drop through [`StageObserver::before_drop`] and [`StageObserver::after_drop`]).
pub fn run<L: Layout, S: Source, O: StageObserver>(
    source: &mut S,
    window: NonZeroUsize,
    observer: &mut O,
) -> Result<Outcome, SourceError> {
    observer.before(Stage::Ingest);
    let ingested = ingest::<L, S>(source);
    observer.after(Stage::Ingest);
    let (mut store, streamed) = ingested?;
    let records = store.len() as u64;

    observer.before(Stage::Filter);
    filter(&mut store);
    observer.after(Stage::Filter);

    observer.before(Stage::Normalize);
    normalize(&mut store);
    observer.after(Stage::Normalize);

    observer.before(Stage::Rolling);
    rolling(&mut store, window);
    observer.after(Stage::Rolling);

    observer.before(Stage::Aggregate);
    let aggregates = aggregate(&store);
    observer.after(Stage::Aggregate);

    observer.before_drop();
    drop(store);
    observer.after_drop();
    Ok(Outcome {
        records,
        streamed,
        aggregates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layouts::Soa;
    use crate::source::{Generator, GeneratorConfig};

    fn rings<const GROWS: bool>(window: usize) -> Rings<GROWS> {
        Rings::new(&Soa::default(), NonZeroUsize::new(window).unwrap())
    }

    /// Runs `check` on a push of each arrangement of rings of `window`.
    fn for_both(window: usize, check: impl Fn(&mut dyn FnMut(SensorKey<'_>, f64) -> f64)) {
        let mut whole = rings::<false>(window);
        check(&mut |sensor, value| whole.push(sensor, value));
        let mut growing = rings::<true>(window);
        check(&mut |sensor, value| growing.push(sensor, value));
    }

    #[test]
    fn ring_matches_a_naive_window_mean() {
        for window in [3, 40] {
            for_both(window, |push| {
                let values: Vec<f64> = (0..100).map(|i| f64::from(i * i % 17) / 3.0).collect();
                for (i, &v) in values.iter().enumerate() {
                    let from = (i + 1).saturating_sub(window);
                    let slice = &values[from..=i];
                    let naive = slice.iter().sum::<f64>() / slice.len() as f64;
                    let got = push(SensorKey::Name("a"), v);
                    assert!(
                        (got - naive).abs() <= 1e-12 * naive.abs(),
                        "{window} {i}: {got} vs {naive}"
                    );
                }
            });
        }
    }

    #[test]
    fn ring_resums_exactly_on_wrap() {
        for_both(2, |push| {
            let a = SensorKey::Name("a");
            push(a, 1e16);
            push(a, 1.0);
            push(a, 0.0);
            // The running sum lost the 1.0 to rounding against 1e16; the re-sum at the wrap
            // (window now [0.0, 0.0]) gives the exact answer back.
            assert_eq!(push(a, 0.0), 0.0);
        });
    }

    #[test]
    fn rings_keep_sensors_apart() {
        for_both(2, |push| {
            let (a, b) = (SensorKey::Name("a"), SensorKey::Name("b"));
            assert_eq!(push(a, 1.0), 1.0);
            assert_eq!(push(b, 10.0), 10.0);
            assert_eq!(push(a, 3.0), 2.0);
            assert_eq!(push(b, 20.0), 15.0);
            assert_eq!(push(a, 5.0), 4.0);
        });
    }

    /// The rings as they were before they grew: `window` slots per sensor from the start.
    /// Both arrangements must give the same bits.
    struct FixedRings {
        window: usize,
        values: Vec<Vec<f64>>,
        state: Vec<(usize, usize, f64)>,
    }

    impl FixedRings {
        fn push(&mut self, sensor: usize, value: f64) -> f64 {
            let window = self.window;
            let values = &mut self.values[sensor];
            let (len, next, sum) = &mut self.state[sensor];
            if *len < window {
                values[*len] = value;
                *len += 1;
                *sum += value;
            } else {
                let evicted = std::mem::replace(&mut values[*next], value);
                *sum = (*sum - evicted) + value;
                *next += 1;
                if *next == window {
                    *next = 0;
                    *sum = values.iter().sum();
                }
            }
            *sum / *len as f64
        }
    }

    #[test]
    fn both_arrangements_give_the_bits_of_fixed_rings() {
        const SENSORS: usize = 7;
        let names: Vec<String> = (0..SENSORS).map(|i| format!("s{i}")).collect();
        for window in [1, 2, 3, 5, 15, 16, 17, 31, 33, 64, 100, 1000] {
            for_both(window, |push| {
                let mut rng = fastrand::Rng::with_seed(window as u64);
                let mut fixed = FixedRings {
                    window,
                    values: vec![vec![0.0; window]; SENSORS],
                    state: vec![(0, 0, 0.0); SENSORS],
                };
                for i in 0..4000 {
                    // Uneven rates, so sensors fill, move and wrap at different times;
                    // values across many magnitudes, so rounding differs with the order of
                    // operations.
                    let sensor = (rng.usize(0..SENSORS * SENSORS) as f64).sqrt() as usize;
                    let value = (rng.f64() - 0.3) * 10f64.powi(rng.i32(-3..12));
                    let got = push(SensorKey::Name(&names[sensor]), value);
                    let want = fixed.push(sensor, value);
                    assert_eq!(got.to_bits(), want.to_bits(), "window {window}, push {i}");
                }
            });
        }
    }

    #[test]
    fn a_huge_window_costs_what_the_records_do() {
        let mut rings = rings::<true>(usize::MAX);
        let names = ["a", "b", "c"];
        let mut sums = [0.0; 3];
        for i in 0..3000u32 {
            let sensor = (i % 7 % 3) as usize;
            let value = f64::from(i).sqrt();
            sums[sensor] += value;
            let count = (0..=i).filter(|j| (j % 7 % 3) as usize == sensor).count();
            let mean = rings.push(SensorKey::Name(names[sensor]), value);
            // The mean of everything so far, summed in arrival order.
            assert_eq!(mean.to_bits(), (sums[sensor] / count as f64).to_bits());
        }
        // The bound of the doc comment: `max(FIRST_RING, 2k)` slots per sensor with `k`
        // records, plus less than that again left behind.
        let bound: usize = (0..3)
            .map(|s| {
                let k = (0..3000).filter(|j| j % 7 % 3 == s).count();
                2 * FIRST_RING.max(2 * k)
            })
            .sum();
        assert!(
            rings.values.len() < bound,
            "{} >= {bound}",
            rings.values.len()
        );
    }

    #[test]
    fn at_the_default_window_the_rings_are_one_allocation_made_up_front() {
        let config = GeneratorConfig {
            records: 5000,
            sensors: 64,
            seed: 3,
        };
        let (store, _) = ingest::<Soa, _>(&mut Generator::new(config)).unwrap();
        let mut rings = Rings::<false>::new(&store, DEFAULT_WINDOW);
        let buffer = rings.values.as_ptr();
        assert_eq!(rings.values.len(), 64 * DEFAULT_WINDOW.get());
        for i in 0..5000u32 {
            rings.push(SensorKey::Interned(i % 64), f64::from(i));
        }
        assert_eq!(rings.values.as_ptr(), buffer);
    }

    #[test]
    fn a_window_beyond_every_sensors_records_is_the_mean_so_far() {
        let config = GeneratorConfig {
            records: 3000,
            sensors: 5,
            seed: 9,
        };
        let run = |window: usize| {
            let mut source = Generator::new(config.clone());
            let window = NonZeroUsize::new(window).unwrap();
            run::<Soa, _, _>(&mut source, window, &mut ())
                .unwrap()
                .aggregates
        };
        let huge = run(usize::MAX);
        assert!(huge.bit_identical(&run(3000)));
        assert!(!huge.bit_identical(&run(16)));
    }
}

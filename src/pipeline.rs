//! The pipeline of SPEC §3, written once and generic over [`Layout`]:
//! ingest → filter → normalize → rolling → aggregate.
//!
//! All arithmetic lives here, in closures the layouts run over their own storage in store
//! order, so every layout performs the same floating-point operations in the same order
//! and the aggregates are bit-identical across layouts.

use std::collections::HashMap;
use std::num::NonZeroUsize;

use serde::{Deserialize, Serialize};

use crate::error::SourceError;
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

/// Per-sensor state of the pipeline, keyed the way the layout names sensors: a dense `Vec`
/// for interned ids, a hash map for names.
#[derive(Debug)]
struct PerSensor<V> {
    dense: Vec<V>,
    named: HashMap<Box<str>, V>,
    fresh: V,
}

impl<V: Clone> PerSensor<V> {
    fn new<L: Layout>(store: &L, fresh: V) -> Self {
        PerSensor {
            dense: vec![fresh.clone(); store.interned_sensors()],
            named: HashMap::new(),
            fresh,
        }
    }

    /// The state of `key`'s sensor. Called once per record by the rolling and aggregate
    /// stages, so the interned case must inline into the layout's loop: only an index.
    #[inline]
    fn get(&mut self, key: SensorKey<'_>) -> &mut V {
        match key {
            SensorKey::Interned(id) => &mut self.dense[id as usize],
            SensorKey::Name(name) => self.named(name),
        }
    }

    /// The state of the sensor called `name`. Out of line so that [`PerSensor::get`] stays
    /// small enough to be inlined; a hash lookup per record dwarfs the call.
    #[inline(never)]
    fn named(&mut self, name: &str) -> &mut V {
        // Look up by `&str` first so the common case allocates nothing.
        if !self.named.contains_key(name) {
            self.named.insert(name.into(), self.fresh.clone());
        }
        self.named.get_mut(name).expect("inserted above")
    }
}

/// The last `window` values of one sensor, and their running sum.
///
/// The sum is updated in O(1) per value (add the new, subtract the evicted) and re-summed
/// exactly from the buffer, oldest first, each time the buffer wraps, so rounding drift
/// never spans more than one window. The buffer is allocated whole up front, so a push is
/// a store into a fixed slot, never a `Vec` that may grow.
#[derive(Debug, Clone)]
struct Ring {
    /// `window` slots; the first `len` hold values.
    values: Box<[f64]>,
    len: usize,
    /// Once full, the slot of the oldest value.
    next: usize,
    sum: f64,
}

impl Ring {
    fn new(window: NonZeroUsize) -> Self {
        Ring {
            values: vec![0.0; window.get()].into_boxed_slice(),
            len: 0,
            next: 0,
            sum: 0.0,
        }
    }

    /// Adds `value` and returns the mean of the values now in the window.
    #[inline]
    fn push(&mut self, value: f64) -> f64 {
        let window = self.values.len();
        if self.len < window {
            self.values[self.len] = value;
            self.len += 1;
            self.sum += value;
        } else {
            let evicted = std::mem::replace(&mut self.values[self.next], value);
            self.sum = (self.sum - evicted) + value;
            self.next += 1;
            if self.next == window {
                self.next = 0;
                self.sum = self.values.iter().sum();
            }
        }
        self.sum / self.len as f64
    }
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
    let mut rings = PerSensor::new(store, Ring::new(window));
    store.set_rolling(|sensor, value| rings.get(sensor).push(value));
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

    let PerSensor { dense, named, .. } = per_sensor;
    let interned = dense
        .into_iter()
        .enumerate()
        .map(|(id, acc)| (store.interned_name(id as u32).to_owned(), acc));
    let by_name = named
        .into_iter()
        .map(|(name, acc)| (name.into_string(), acc));
    let mut sensors: Vec<SensorStats> = interned
        .chain(by_name)
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
/// The store is dropped after the aggregate stage, outside every observed span.
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

    drop(store);
    Ok(Outcome {
        records,
        streamed,
        aggregates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_matches_a_naive_window_mean() {
        let window = NonZeroUsize::new(3).unwrap();
        let mut ring = Ring::new(window);
        let values = [1.0, 2.0, 4.0, 8.0, 16.0, 0.1, 0.2, 0.3];
        for (i, &v) in values.iter().enumerate() {
            let from = (i + 1).saturating_sub(3);
            let slice = &values[from..=i];
            let naive = slice.iter().sum::<f64>() / slice.len() as f64;
            let got = ring.push(v);
            assert!(
                (got - naive).abs() <= 1e-12 * naive.abs(),
                "{i}: {got} vs {naive}"
            );
        }
    }

    #[test]
    fn ring_resums_exactly_on_wrap() {
        let window = NonZeroUsize::new(2).unwrap();
        let mut ring = Ring::new(window);
        ring.push(1e16);
        ring.push(1.0);
        ring.push(0.0);
        // The running sum lost the 1.0 to rounding against 1e16; the re-sum at the wrap
        // (window now [0.0, 0.0]) gives the exact answer back.
        assert_eq!(ring.push(0.0), 0.0);
    }
}

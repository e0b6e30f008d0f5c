//! The pipeline of SPEC §3, written once and generic over [`Layout`]:
//! ingest → filter → normalize → rolling → aggregate.
//!
//! All arithmetic lives here, in closures the layouts run over their own storage in store
//! order, so every layout performs the same floating-point operations in the same order
//! and the aggregates are bit-identical across layouts.
//!
//! The stages and [`run`] are in this file; the state the stages keep across records has a
//! file of its own (`per_sensor.rs`: a dense slot per sensor; `rolling.rs`: the rolling
//! stage's rings), and so do the results (`aggregates.rs`).

mod aggregates;
mod per_sensor;
mod rolling;

use std::num::NonZeroUsize;

use serde::Serialize;

use self::per_sensor::PerSensor;
use self::rolling::{Rings, FIRST_RING};
use crate::error::SourceError;
use crate::layouts::{Layout, Scanned};
use crate::record::Unit;
use crate::source::{Source, Streamed};

pub use self::aggregates::{Aggregates, SensorStats};

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
    run_then(source, window, observer, |_: &L| {})
}

/// [`run`], with `last` given the store after the aggregate stage and before the drop,
/// outside every span: the timed rounds probe reads by index there, on the store the run
/// built, instead of building another.
pub fn run_then<L: Layout, S: Source, O: StageObserver>(
    source: &mut S,
    window: NonZeroUsize,
    observer: &mut O,
    last: impl FnOnce(&L),
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

    last(&store);

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

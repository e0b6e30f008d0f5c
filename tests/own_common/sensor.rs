//! The built-in sensor reading as a record of one's own, and the built-in pipeline written
//! against the store API (filter via `retain`, normalize via setters, rolling via a
//! per-sensor ring with the same arithmetic as `src/pipeline/`, aggregate): for the
//! fidelity tests, which compare both with the hand-written layouts.
#![allow(dead_code)]

use std::collections::HashMap;

use layoutlab::pipeline::{Aggregates, SensorStats};
use layoutlab::record::Unit;
use layoutlab::source::{Generator, GeneratorConfig, Source};
use layoutlab::{Record, Store, Workload};

#[derive(Record, Clone, Debug, PartialEq)]
pub struct SensorReading {
    #[record(intern = u16)]
    pub sensor_id: String,
    pub timestamp: f64,
    pub value: f64,
    pub unit: Unit,
    pub normalized: f64,
    pub rolling_avg: f64,
}

/// Streams the generated readings into a fresh store of layout `S`, reserving what the
/// generator announces, as the built-in ingest does.
pub fn ingest<S: Store<SensorReading>>(config: &GeneratorConfig) -> S {
    let mut source = Generator::new(config.clone());
    let mut store = S::with_capacity(source.expected_records());
    source
        .stream(|r| {
            store.push(SensorReading {
                sensor_id: r.sensor_id.to_owned(),
                timestamp: r.timestamp,
                value: r.value,
                unit: r.unit,
                normalized: 0.0,
                rolling_avg: 0.0,
            })
        })
        .map_err(|e| format!("{e:?}"))
        .expect("the generated sensors fit a u16");
    store
}

/// One sensor's last `window` values: the ring of `src/pipeline/rolling.rs`, same arithmetic.
#[derive(Clone)]
struct Ring {
    values: Vec<f64>,
    len: usize,
    divisor: f64,
    next: usize,
    sum: f64,
}

impl Ring {
    fn new(window: usize) -> Ring {
        Ring {
            values: vec![0.0; window],
            len: 0,
            divisor: 0.0,
            next: 0,
            sum: 0.0,
        }
    }

    fn push(&mut self, value: f64) -> f64 {
        let window = self.values.len();
        if self.len < window {
            self.values[self.len] = value;
            self.len += 1;
            self.divisor = self.len as f64;
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
        self.sum / self.divisor
    }
}

/// The pipeline of SPEC §3 after ingest, written once against the store API.
pub struct Pipeline {
    pub window: usize,
}

impl Workload<SensorReading> for Pipeline {
    type Output = Aggregates;

    fn run<S: Store<SensorReading>>(&self, store: &mut S) -> Aggregates {
        // filter
        store.retain(|r| r.unit().contains(r.value()));
        // normalize
        for i in 0..store.len() {
            let normalized = store.unit(i).normalize(store.value(i));
            store.set_normalized(i, normalized);
        }
        // rolling
        let mut rings: HashMap<String, Ring> = HashMap::new();
        for i in 0..store.len() {
            let value = store.value(i);
            let ring = match rings.get_mut(store.sensor_id(i)) {
                Some(ring) => ring,
                None => rings
                    .entry(store.sensor_id(i).to_owned())
                    .or_insert_with(|| Ring::new(self.window)),
            };
            let mean = ring.push(value);
            store.set_rolling_avg(i, mean);
        }
        // aggregate
        struct Acc {
            unit: Unit,
            count: u64,
            sum: f64,
            min: f64,
            max: f64,
            sum_normalized: f64,
            last_rolling_avg: f64,
        }
        let mut per_sensor: HashMap<String, Acc> = HashMap::new();
        let (mut kept, mut checksum) = (0u64, 0.0);
        for i in 0..store.len() {
            let acc = per_sensor
                .entry(store.sensor_id(i).to_owned())
                .or_insert(Acc {
                    unit: Unit::Celsius,
                    count: 0,
                    sum: 0.0,
                    min: f64::INFINITY,
                    max: f64::NEG_INFINITY,
                    sum_normalized: 0.0,
                    last_rolling_avg: 0.0,
                });
            let (value, normalized, rolling) =
                (store.value(i), store.normalized(i), store.rolling_avg(i));
            acc.unit = store.unit(i);
            acc.count += 1;
            acc.sum += value;
            if value < acc.min {
                acc.min = value;
            }
            if value > acc.max {
                acc.max = value;
            }
            acc.sum_normalized += normalized;
            acc.last_rolling_avg = rolling;
            kept += 1;
            checksum += normalized + rolling;
        }
        let mut sensors: Vec<SensorStats> = per_sensor
            .into_iter()
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
}

//! The yardstick for the generic pipeline: filter + normalize + rolling + aggregate written
//! by hand, directly over plain `Vec` columns, as an engineer would write it for this one
//! record without any layout trait. Two versions:
//!
//! - [`run`]: one loop per stage, each writing its column, as the pipeline's stages do —
//!   the same work as the generic pipeline, so the fair yardstick for genericity;
//! - [`run_fused`]: all four stages in one pass over the columns. It computes the same
//!   result but reads each record once instead of four times, so it is the floor for *any*
//!   staged pipeline, generic or not: what separate, separately timed stages cost.
//!
//! It is shared (through `#[path]`) by `benches/handwritten.rs`, which times it beside the
//! generic pipeline, by `tests/hand_written_agrees.rs`, which checks that it computes the
//! same aggregates bit for bit, and by `examples/hand_written_csv.rs`, which times it on a
//! CSV file. It uses nothing of layoutlab's pipeline or layouts, only the record's types and
//! the sources that feed it: the arithmetic (ranges, ring buffer, statistics) is its own.
//!
//! The arithmetic is the one SPEC §3 fixes, in the same order as the pipeline so that the
//! results can be compared bit for bit: the rolling sum is kept in O(1) per value and
//! re-summed exactly from the ring, oldest first, each time the ring wraps; the checksum is
//! summed in store order; min and max keep the first of equal values.

use std::collections::HashMap;

use layoutlab::error::StreamError;
use layoutlab::pipeline::{Aggregates, SensorStats};
use layoutlab::record::Unit;
use layoutlab::source::Source;

/// `(lo, hi)` per unit code: SPEC §1's valid ranges.
const RANGE: [(f64, f64); 5] = [
    (-40.0, 125.0),   // C
    (0.0, 100.0),     // %
    (300.0, 1100.0),  // hPa
    (0.0, 100_000.0), // lux
    (0.0, 5000.0),    // ppm
];

/// A workload as plain columns, in source order: sensor ids interned into `u16`, units as
/// their `u8` code, and the two derived fields of the record, zero until computed.
///
/// The derived columns are allocated and written when the data is loaded, as every layout
/// does at ingest, so that the timed stages write into memory that is already mapped: a
/// fresh 8 MB `Vec` filled inside the timed region would add the kernel's first-touch page
/// faults (several ns per record on a VM) to whichever stage allocates it.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// Id text per dense id.
    pub names: Vec<String>,
    /// Dense sensor id per record.
    pub sensor: Vec<u16>,
    /// Timestamp per record (carried through the filter, like every field of a record).
    pub timestamp: Vec<f64>,
    /// Value per record.
    pub value: Vec<f64>,
    /// Unit code per record.
    pub unit: Vec<u8>,
    /// Set by [`normalize`].
    pub normalized: Vec<f64>,
    /// Set by [`rolling`].
    pub rolling_avg: Vec<f64>,
}

impl Columns {
    /// Reads every reading of `source` into columns; more than 65 536 distinct sensors is
    /// an error.
    pub fn load<S: Source>(source: &mut S) -> Result<Columns, StreamError<String>> {
        let n = source.expected_records();
        let mut columns = Columns {
            names: Vec::new(),
            sensor: Vec::with_capacity(n),
            timestamp: Vec::with_capacity(n),
            value: Vec::with_capacity(n),
            unit: Vec::with_capacity(n),
            normalized: Vec::with_capacity(n),
            rolling_avg: Vec::with_capacity(n),
        };
        let mut ids: HashMap<String, u16> = HashMap::new();
        source.stream(|r| {
            let id = match ids.get(r.sensor_id) {
                Some(&id) => id,
                None => {
                    let id = u16::try_from(columns.names.len())
                        .map_err(|_| "more than 65536 distinct sensors".to_owned())?;
                    ids.insert(r.sensor_id.to_owned(), id);
                    columns.names.push(r.sensor_id.to_owned());
                    id
                }
            };
            columns.sensor.push(id);
            columns.timestamp.push(r.timestamp);
            columns.value.push(r.value);
            columns.unit.push(r.unit.code());
            columns.normalized.push(0.0);
            columns.rolling_avg.push(0.0);
            Ok(())
        })?;
        Ok(columns)
    }
}

/// Per-sensor running statistics.
#[derive(Debug, Clone, Copy)]
struct Stats {
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
    sum_normalized: f64,
    last_rolling_avg: f64,
    unit: u8,
}

impl Stats {
    const FRESH: Stats = Stats {
        count: 0,
        sum: 0.0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
        sum_normalized: 0.0,
        last_rolling_avg: 0.0,
        unit: 0,
    };

    #[inline]
    fn add(&mut self, unit: u8, value: f64, normalized: f64, rolling_avg: f64) {
        self.unit = unit;
        self.count += 1;
        self.sum += value;
        if value < self.min {
            self.min = value;
        }
        if value > self.max {
            self.max = value;
        }
        self.sum_normalized += normalized;
        self.last_rolling_avg = rolling_avg;
    }
}

/// Every sensor's ring of its last `window` values and their running sum; the values live
/// in one flat buffer, `window` per sensor.
struct Rings {
    window: usize,
    /// Per sensor: (running sum, values held, slot of the oldest once full).
    state: Vec<(f64, usize, usize)>,
    values: Vec<f64>,
}

impl Rings {
    fn new(sensors: usize, window: usize) -> Rings {
        assert!(window > 0, "the window holds at least one value");
        Rings {
            window,
            state: vec![(0.0, 0, 0); sensors],
            values: vec![0.0; sensors * window],
        }
    }

    /// Adds `value` to `sensor`'s ring and returns the mean of the values now in it.
    #[inline]
    fn push(&mut self, sensor: usize, value: f64) -> f64 {
        let window = self.window;
        let (sum, len, next) = &mut self.state[sensor];
        let ring = &mut self.values[sensor * window..(sensor + 1) * window];
        if *len < window {
            ring[*len] = value;
            *len += 1;
            *sum += value;
        } else {
            let evicted = std::mem::replace(&mut ring[*next], value);
            *sum = (*sum - evicted) + value;
            *next += 1;
            if *next == window {
                // Re-sum exactly, oldest first, so rounding drift spans one window at most.
                *next = 0;
                *sum = ring.iter().sum();
            }
        }
        *sum / *len as f64
    }
}

/// Whether `value` is finite and inside the range of unit `code`, and its normalized value.
#[inline]
fn check_and_normalize(code: u8, value: f64) -> (bool, f64) {
    let (lo, hi) = RANGE[usize::from(code)];
    (value >= lo && value <= hi, (value - lo) / (hi - lo))
}

/// The aggregates from the per-sensor statistics, sorted by id.
///
/// Never inlined: inlined, its calls (allocation, sorting) would follow the hot loop in one
/// function, and LLVM would keep the running checksum, which is live across them, in a
/// stack slot for the whole loop — a store and reload on the checksum's dependency chain
/// every record, which measurably slows the loop.
#[inline(never)]
fn finish(names: &[String], stats: &[Stats], kept: usize, checksum: f64) -> Aggregates {
    let mut sensors: Vec<SensorStats> = names
        .iter()
        .zip(stats)
        .filter(|(_, st)| st.count > 0)
        .map(|(name, st)| SensorStats {
            sensor_id: name.clone(),
            unit: Unit::from_code(st.unit).expect("codes come from Unit::code"),
            count: st.count,
            mean: st.sum / st.count as f64,
            min: st.min,
            max: st.max,
            mean_normalized: st.sum_normalized / st.count as f64,
            last_rolling_avg: st.last_rolling_avg,
        })
        .collect();
    sensors.sort_unstable_by(|a, b| a.sensor_id.as_bytes().cmp(b.sensor_id.as_bytes()));
    Aggregates {
        kept: kept as u64,
        checksum,
        sensors,
    }
}

/// The four stages one after the other, as the pipeline runs them.
pub fn run(columns: &mut Columns, window: usize) -> Aggregates {
    filter(columns);
    normalize(columns);
    rolling(columns, window);
    aggregate(columns)
}

/// Drops every record whose value is not finite or outside its unit's range, compacting
/// the columns in place and keeping order. It runs first, so the derived columns hold
/// nothing yet and are only cut to length.
pub fn filter(columns: &mut Columns) {
    let Columns {
        sensor,
        timestamp,
        value,
        unit,
        normalized,
        rolling_avg,
        ..
    } = columns;
    let n = value.len();
    // Equal-length slices let the optimiser drop the bounds checks.
    let (sensor_in, timestamp_in) = (&mut sensor[..n], &mut timestamp[..n]);
    let (value_in, unit_in) = (&mut value[..n], &mut unit[..n]);
    let mut kept = 0;
    for i in 0..n {
        let (v, u) = (value_in[i], unit_in[i]);
        let (lo, hi) = RANGE[usize::from(u)];
        if v >= lo && v <= hi {
            sensor_in[kept] = sensor_in[i];
            timestamp_in[kept] = timestamp_in[i];
            value_in[kept] = v;
            unit_in[kept] = u;
            kept += 1;
        }
    }
    sensor.truncate(kept);
    timestamp.truncate(kept);
    value.truncate(kept);
    unit.truncate(kept);
    normalized.truncate(kept);
    rolling_avg.truncate(kept);
}

/// `normalized = (value - lo) / (hi - lo)` per record.
pub fn normalize(columns: &mut Columns) {
    let Columns {
        value,
        unit,
        normalized,
        ..
    } = columns;
    for ((out, &v), &u) in normalized.iter_mut().zip(&*value).zip(&*unit) {
        let (lo, hi) = RANGE[usize::from(u)];
        *out = (v - lo) / (hi - lo);
    }
}

/// `rolling_avg` = the mean of the record's sensor's last `min(window, k)` values.
///
/// # Panics
///
/// If `window` is 0.
pub fn rolling(columns: &mut Columns, window: usize) {
    let mut rings = Rings::new(columns.names.len(), window);
    let Columns {
        sensor,
        value,
        rolling_avg,
        ..
    } = columns;
    for ((out, &s), &v) in rolling_avg.iter_mut().zip(&*sensor).zip(&*value) {
        *out = rings.push(usize::from(s), v);
    }
}

/// Per-sensor statistics sorted by id, the kept count and the checksum.
pub fn aggregate(columns: &Columns) -> Aggregates {
    let n = columns.value.len();
    let (sensor, value, unit) = (
        &columns.sensor[..n],
        &columns.value[..n],
        &columns.unit[..n],
    );
    let (normalized, rolling) = (&columns.normalized[..n], &columns.rolling_avg[..n]);
    let mut stats = vec![Stats::FRESH; columns.names.len()];
    let mut checksum = 0.0;
    for i in 0..n {
        let (nv, rv) = (normalized[i], rolling[i]);
        stats[usize::from(sensor[i])].add(unit[i], value[i], nv, rv);
        checksum += nv + rv;
    }
    finish(&columns.names, &stats, n, checksum)
}

/// All four stages in one pass: each record is checked, moved down over the filtered-out
/// ones, normalized, pushed into its sensor's ring and added to the statistics while it is
/// in registers. The columns end exactly as after [`run`].
///
/// # Panics
///
/// If `window` is 0.
pub fn run_fused(columns: &mut Columns, window: usize) -> Aggregates {
    let mut rings = Rings::new(columns.names.len(), window);
    let mut stats = vec![Stats::FRESH; columns.names.len()];
    let mut checksum = 0.0;
    let Columns {
        names,
        sensor,
        timestamp,
        value,
        unit,
        normalized,
        rolling_avg,
    } = columns;
    let n = value.len();
    let (sensor_io, timestamp_io) = (&mut sensor[..n], &mut timestamp[..n]);
    let (value_io, unit_io) = (&mut value[..n], &mut unit[..n]);
    let (normalized_out, rolling_out) = (&mut normalized[..n], &mut rolling_avg[..n]);
    let mut kept = 0;
    for i in 0..n {
        let (v, u) = (value_io[i], unit_io[i]);
        let (keep, nv) = check_and_normalize(u, v);
        if keep {
            let s = sensor_io[i];
            sensor_io[kept] = s;
            timestamp_io[kept] = timestamp_io[i];
            value_io[kept] = v;
            unit_io[kept] = u;
            let rv = rings.push(usize::from(s), v);
            normalized_out[kept] = nv;
            rolling_out[kept] = rv;
            stats[usize::from(s)].add(u, v, nv, rv);
            checksum += nv + rv;
            kept += 1;
        }
    }
    for column in [
        &mut *timestamp,
        &mut *value,
        &mut *normalized,
        &mut *rolling_avg,
    ] {
        column.truncate(kept);
    }
    sensor.truncate(kept);
    unit.truncate(kept);
    finish(names, &stats, kept, checksum)
}

//! The yardstick for the generic pipeline: filter + normalize + rolling + aggregate written
//! by hand, directly over plain `Vec` columns, as an engineer would write it for this one
//! record without any layout trait.
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

/// Per-sensor ring state; the values live in one flat buffer, `window` per sensor.
#[derive(Debug, Clone, Copy, Default)]
struct Ring {
    sum: f64,
    len: usize,
    next: usize,
}

/// Filters `columns` in place, then computes normalized values, rolling means and the
/// aggregates, as SPEC §3 defines them.
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
    assert!(window > 0, "the window holds at least one value");
    let sensors = columns.names.len();
    let mut rings = vec![Ring::default(); sensors];
    let mut buffer = vec![0.0f64; sensors * window];
    let Columns {
        sensor,
        value,
        rolling_avg,
        ..
    } = columns;
    for ((out, &s), &v) in rolling_avg.iter_mut().zip(&*sensor).zip(&*value) {
        let s = usize::from(s);
        let ring = &mut rings[s];
        let values = &mut buffer[s * window..(s + 1) * window];
        if ring.len < window {
            values[ring.len] = v;
            ring.len += 1;
            ring.sum += v;
        } else {
            let evicted = std::mem::replace(&mut values[ring.next], v);
            ring.sum = (ring.sum - evicted) + v;
            ring.next += 1;
            if ring.next == window {
                ring.next = 0;
                ring.sum = values.iter().sum();
            }
        }
        *out = ring.sum / ring.len as f64;
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
    let fresh = Stats {
        count: 0,
        sum: 0.0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
        sum_normalized: 0.0,
        last_rolling_avg: 0.0,
        unit: 0,
    };
    let mut stats = vec![fresh; columns.names.len()];
    let mut checksum = 0.0;
    for i in 0..n {
        let (v, nv, rv) = (value[i], normalized[i], rolling[i]);
        let st = &mut stats[usize::from(sensor[i])];
        st.unit = unit[i];
        st.count += 1;
        st.sum += v;
        if v < st.min {
            st.min = v;
        }
        if v > st.max {
            st.max = v;
        }
        st.sum_normalized += nv;
        st.last_rolling_avg = rv;
        checksum += nv + rv;
    }

    let mut sensors: Vec<SensorStats> = columns
        .names
        .iter()
        .zip(&stats)
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
        kept: n as u64,
        checksum,
        sensors,
    }
}

//! `soa` — struct of arrays: one `Vec` per field, sensor ids interned into `u16`.
//!
//! Each stage touches only the columns it needs, so a scan of `value` streams 8 bytes per
//! record through the cache instead of a whole record. The price is that one logical record
//! is spread over six allocations and every append or removal touches six vectors.

use crate::inspect::TypeInfo;
use crate::intern::Interner;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit};
use crate::type_info;

/// Struct of arrays: column `i` of every vector belongs to record `i`.
#[derive(Debug, Default)]
pub struct Soa {
    sensor: Vec<u16>,
    timestamp: Vec<f64>,
    value: Vec<f64>,
    unit: Vec<Unit>,
    normalized: Vec<f64>,
    rolling_avg: Vec<f64>,
    ids: Interner<u16>,
    /// Whether a stage has written `normalized` or `rolling_avg`. Until one has, both hold
    /// only the zeros `push` wrote, so [`Layout::retain`] cuts them to length instead of
    /// moving them: the filter then moves 19 bytes per record instead of 35.
    derived_written: bool,
}

impl Soa {
    /// Moves every record that `keep` accepts to the front of the columns, in order, and
    /// returns how many it kept; the derived columns move only if `DERIVED`. The caller
    /// truncates.
    #[inline]
    fn compact<const DERIVED: bool, F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) -> usize {
        let n = self.value.len();
        // Equal-length slices let the optimiser drop the bounds checks in the loop.
        let (sensor, timestamp) = (&mut self.sensor[..n], &mut self.timestamp[..n]);
        let (value, unit) = (&mut self.value[..n], &mut self.unit[..n]);
        let (normalized, rolling) = (&mut self.normalized[..n], &mut self.rolling_avg[..n]);
        let mut kept = 0;
        for read in 0..n {
            let (v, u) = (value[read], unit[read]);
            if keep(v, u) {
                sensor[kept] = sensor[read];
                timestamp[kept] = timestamp[read];
                value[kept] = v;
                unit[kept] = u;
                if DERIVED {
                    normalized[kept] = normalized[read];
                    rolling[kept] = rolling[read];
                }
                kept += 1;
            }
        }
        kept
    }
}

impl Layout for Soa {
    const NAME: &'static str = "soa";
    const HEAP_BYTES_PER_RECORD: usize = 36;
    const SUMMARY: &'static str = "struct of arrays: one Vec per field, interned u16 ids, u8 unit";

    fn with_capacity(records: usize) -> Self {
        Soa {
            sensor: Vec::with_capacity(records),
            timestamp: Vec::with_capacity(records),
            value: Vec::with_capacity(records),
            unit: Vec::with_capacity(records),
            normalized: Vec::with_capacity(records),
            rolling_avg: Vec::with_capacity(records),
            ids: Interner::default(),
            derived_written: false,
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        let id = self.ids.intern(reading.sensor_id).map_err(|full| CapacityError::new(Self::NAME, full))?;
        self.sensor.push(id);
        self.timestamp.push(reading.timestamp);
        self.value.push(reading.value);
        self.unit.push(reading.unit);
        self.normalized.push(0.0);
        self.rolling_avg.push(0.0);
        Ok(())
    }

    fn len(&self) -> usize {
        self.value.len()
    }

    fn record(&self, index: usize) -> RecordRef<'_> {
        RecordRef {
            sensor_id: self.ids.name(self.sensor[index]),
            timestamp: self.timestamp[index],
            value: self.value[index],
            unit: self.unit[index],
            normalized: self.normalized[index],
            rolling_avg: self.rolling_avg[index],
        }
    }

    fn interned_sensors(&self) -> usize {
        self.ids.len()
    }

    fn interned_name(&self, id: u32) -> &str {
        self.ids.name_at(id as usize)
    }

    #[inline]
    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, keep: F) {
        let kept = if self.derived_written {
            self.compact::<true, F>(keep)
        } else {
            self.compact::<false, F>(keep)
        };
        self.sensor.truncate(kept);
        self.timestamp.truncate(kept);
        self.value.truncate(kept);
        self.unit.truncate(kept);
        self.normalized.truncate(kept);
        self.rolling_avg.truncate(kept);
    }

    #[inline]
    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        self.derived_written = true;
        for ((out, &value), &unit) in self.normalized.iter_mut().zip(&self.value).zip(&self.unit)
        {
            *out = f(value, unit);
        }
    }

    #[inline]
    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        self.derived_written = true;
        for ((out, &value), &id) in self.rolling_avg.iter_mut().zip(&self.value).zip(&self.sensor)
        {
            *out = f(SensorKey::Interned(u32::from(id)), value);
        }
    }

    #[inline]
    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        let n = self.value.len();
        let (sensor, unit, value) = (&self.sensor[..n], &self.unit[..n], &self.value[..n]);
        let (normalized, rolling) = (&self.normalized[..n], &self.rolling_avg[..n]);
        for i in 0..n {
            f(
                SensorKey::Interned(u32::from(sensor[i])),
                Scanned {
                    unit: unit[i],
                    value: value[i],
                    normalized: normalized[i],
                    rolling_avg: rolling[i],
                },
            );
        }
    }

    fn types() -> Vec<TypeInfo> {
        // One record across the columns: what it costs in the arrays, end to end.
        let row = TypeInfo::columns(
            "Soa columns (one element of each Vec)",
            &[
                ("sensor: u16", std::mem::size_of::<u16>()),
                ("timestamp: f64", std::mem::size_of::<f64>()),
                ("value: f64", std::mem::size_of::<f64>()),
                ("unit: Unit (u8)", std::mem::size_of::<Unit>()),
                ("normalized: f64", std::mem::size_of::<f64>()),
                ("rolling_avg: f64", std::mem::size_of::<f64>()),
            ],
        );
        vec![
            type_info!(Soa {
                sensor,
                timestamp,
                value,
                unit,
                normalized,
                rolling_avg,
                ids
            }),
            row,
        ]
    }
}

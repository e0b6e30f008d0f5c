//! `boxed` — one `Box<BoxedRecord>` per record, with `String` id and `String` unit.
//!
//! This is the object-per-record design of Java or of a Python class instance: every record
//! is its own heap block, reached through a pointer, and carries its own copies of its id and
//! unit text (two more heap blocks). Scans chase pointers; filtering frees blocks.

use crate::inspect::TypeInfo;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit};
use crate::type_info;

/// One heap-allocated record with owned text fields.
#[derive(Debug, Clone)]
pub struct BoxedRecord {
    sensor_id: String,
    timestamp: f64,
    value: f64,
    unit: String,
    normalized: f64,
    rolling_avg: f64,
}

impl BoxedRecord {
    /// The unit, parsed from its text as a stringly-typed record must.
    ///
    /// # Panics
    ///
    /// If the text is not a unit symbol; `push` only stores symbols.
    #[inline]
    fn unit(&self) -> Unit {
        self.unit
            .parse()
            .expect("BoxedRecord::unit holds a symbol written by push")
    }
}

/// A `Vec` of boxed records.
#[derive(Debug, Default)]
// One heap object per record is the layout under test, not an accident.
#[allow(clippy::vec_box)]
pub struct Boxed {
    records: Vec<Box<BoxedRecord>>,
}

impl Layout for Boxed {
    const NAME: &'static str = "boxed";
    const HEAP_BYTES_PER_RECORD: usize = 145;
    const SUMMARY: &'static str = "one Box<Record> per record, String id and String unit";

    fn with_capacity(records: usize) -> Self {
        Boxed {
            records: Vec::with_capacity(records),
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        self.records.push(Box::new(BoxedRecord {
            sensor_id: reading.sensor_id.to_owned(),
            timestamp: reading.timestamp,
            value: reading.value,
            unit: reading.unit.symbol().to_owned(),
            normalized: 0.0,
            rolling_avg: 0.0,
        }));
        Ok(())
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn record(&self, index: usize) -> RecordRef<'_> {
        let r = &self.records[index];
        RecordRef {
            sensor_id: &r.sensor_id,
            timestamp: r.timestamp,
            value: r.value,
            unit: r.unit(),
            normalized: r.normalized,
            rolling_avg: r.rolling_avg,
        }
    }

    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) {
        self.records.retain(|r| keep(r.value, r.unit()));
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        for r in &mut self.records {
            r.normalized = f(r.value, r.unit());
        }
    }

    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        for r in &mut self.records {
            r.rolling_avg = f(SensorKey::Name(&r.sensor_id), r.value);
        }
    }

    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        for r in &self.records {
            f(
                SensorKey::Name(&r.sensor_id),
                Scanned {
                    unit: r.unit(),
                    value: r.value,
                    normalized: r.normalized,
                    rolling_avg: r.rolling_avg,
                },
            );
        }
    }

    fn types() -> Vec<TypeInfo> {
        vec![type_info!(BoxedRecord {
            sensor_id,
            timestamp,
            value,
            unit,
            normalized,
            rolling_avg
        })]
    }
}

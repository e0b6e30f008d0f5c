//! `plain` — the idiomatic default: a `Vec<PlainRecord>` with a `String` id and a unit enum.
//!
//! This is what most Rust code writes first: one `#[derive]`d struct, natural alignment
//! (the compiler picks the field order), the id as an owned `String`, the unit as a
//! one-byte enum. It answers two questions: what the idiomatic default costs, and, set
//! beside `boxed`, how much of `boxed`'s cost is the `Box` (one heap block and one pointer
//! chase per record) rather than the `String`s it carries.
//!
//! The record is 64 bytes, one cache line: the `String` (24) and four `f64`s (32) are
//! 8-aligned, the unit takes one byte and the remaining 7 are tail padding, because the
//! size rounds up to the 8-byte alignment. Each record still owns one heap block, its id.

use crate::inspect::TypeInfo;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit};
use crate::type_info;

/// One record, as idiomatic Rust would declare it (`repr(Rust)`, fields reordered freely).
#[derive(Debug, Clone, PartialEq)]
pub struct PlainRecord {
    sensor_id: String,
    timestamp: f64,
    value: f64,
    unit: Unit,
    normalized: f64,
    rolling_avg: f64,
}

// 24 + 4 × 8 + 1 = 57 bytes of fields, rounded up to the 8-byte alignment: 7 bytes of tail
// padding, and exactly one record per cache line.
const _: () = assert!(std::mem::size_of::<PlainRecord>() == 64);
const _: () = assert!(std::mem::align_of::<PlainRecord>() == 8);

/// A `Vec` of plain records, in store order.
#[derive(Debug, Default)]
pub struct Plain {
    records: Vec<PlainRecord>,
}

impl Layout for Plain {
    const NAME: &'static str = "plain";
    const HEAP_BYTES_PER_RECORD: usize = 88;
    const SUMMARY: &'static str =
        "Vec<Record>, natural alignment, String id, unit enum (the idiomatic default)";

    fn with_capacity(records: usize) -> Self {
        Plain {
            records: Vec::with_capacity(records),
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        self.records.push(PlainRecord {
            sensor_id: reading.sensor_id.to_owned(),
            timestamp: reading.timestamp,
            value: reading.value,
            unit: reading.unit,
            normalized: 0.0,
            rolling_avg: 0.0,
        });
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
            unit: r.unit,
            normalized: r.normalized,
            rolling_avg: r.rolling_avg,
        }
    }

    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) {
        // `Vec::retain` shifts kept records down in place and frees each dropped id.
        self.records.retain(|r| keep(r.value, r.unit));
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        for r in &mut self.records {
            r.normalized = f(r.value, r.unit);
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
                    unit: r.unit,
                    value: r.value,
                    normalized: r.normalized,
                    rolling_avg: r.rolling_avg,
                },
            );
        }
    }

    fn types() -> Vec<TypeInfo> {
        vec![type_info!(PlainRecord {
            sensor_id,
            timestamp,
            value,
            unit,
            normalized,
            rolling_avg
        })]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_padding_is_seven_bytes_after_the_unit() {
        let [info] = <[TypeInfo; 1]>::try_from(Plain::types()).expect("one type");
        assert_eq!((info.size, info.padding()), (64, 7));
        let last = info.fields.last().expect("six fields");
        assert_eq!((last.name.as_str(), last.size, last.padding_after), ("unit", 1, 7));
        assert!(info.straddling_fields().is_empty());
    }
}

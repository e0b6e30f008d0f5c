//! `heap_map` — one `HashMap<String, FieldValue>` per record, with owned keys.
//!
//! The dict-per-record of Python or of a JSON object: schema-free, so a field can be added
//! at run time, but every record owns a hash table, six key strings and its text values,
//! and every field access is a hash lookup.

use crate::hash::FixedState;

use crate::inspect::TypeInfo;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit};

/// A dynamically typed field value.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A text field (`sensor_id`, `unit`).
    Text(String),
    /// A numeric field.
    Float(f64),
}

/// One record: field name to value.
///
/// Hashed with [`FixedState`]: std's SipHash-1-3 and handle size, with seeds that repeat from
/// run to run (see [`crate::hash`]).
pub type FieldMap = std::collections::HashMap<String, FieldValue, FixedState>;

const SENSOR_ID: &str = "sensor_id";
const TIMESTAMP: &str = "timestamp";
const VALUE: &str = "value";
const UNIT: &str = "unit";
const NORMALIZED: &str = "normalized";
const ROLLING_AVG: &str = "rolling_avg";

/// # Panics
///
/// If the field is missing or not a number; `push` writes every field.
#[inline]
fn float(map: &FieldMap, key: &str) -> f64 {
    match map.get(key) {
        Some(FieldValue::Float(x)) => *x,
        other => panic!("heap_map record field {key:?} should be a number, is {other:?}"),
    }
}

/// # Panics
///
/// If the field is missing or not text; `push` writes every field.
#[inline]
fn text<'m>(map: &'m FieldMap, key: &str) -> &'m str {
    match map.get(key) {
        Some(FieldValue::Text(s)) => s,
        other => panic!("heap_map record field {key:?} should be text, is {other:?}"),
    }
}

/// # Panics
///
/// If the field is missing; `push` writes every field.
#[inline]
fn set_float(map: &mut FieldMap, key: &str, x: f64) {
    match map.get_mut(key) {
        Some(slot) => *slot = FieldValue::Float(x),
        None => panic!("heap_map record has no field {key:?}"),
    }
}

/// # Panics
///
/// If the unit field holds anything but a symbol; `push` writes one.
#[inline]
fn unit(map: &FieldMap) -> Unit {
    text(map, UNIT)
        .parse()
        .expect("heap_map unit field holds a symbol written by push")
}

/// A `Vec` of per-record hash maps.
#[derive(Debug, Default)]
pub struct HeapMap {
    records: Vec<FieldMap>,
}

impl Layout for HeapMap {
    const NAME: &'static str = "heap_map";
    const HEAP_BYTES_PER_RECORD: usize = 650;
    const SUMMARY: &'static str = "one HashMap<String, FieldValue> per record, owned keys";
    const RUNTIME_SCHEMA: bool = true;

    fn with_capacity(records: usize) -> Self {
        HeapMap {
            records: Vec::with_capacity(records),
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        let mut map = FieldMap::with_capacity_and_hasher(6, FixedState::default());
        map.insert(
            SENSOR_ID.to_owned(),
            FieldValue::Text(reading.sensor_id.to_owned()),
        );
        map.insert(TIMESTAMP.to_owned(), FieldValue::Float(reading.timestamp));
        map.insert(VALUE.to_owned(), FieldValue::Float(reading.value));
        map.insert(
            UNIT.to_owned(),
            FieldValue::Text(reading.unit.symbol().to_owned()),
        );
        map.insert(NORMALIZED.to_owned(), FieldValue::Float(0.0));
        map.insert(ROLLING_AVG.to_owned(), FieldValue::Float(0.0));
        self.records.push(map);
        Ok(())
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn record(&self, index: usize) -> RecordRef<'_> {
        let map = &self.records[index];
        RecordRef {
            sensor_id: text(map, SENSOR_ID),
            timestamp: float(map, TIMESTAMP),
            value: float(map, VALUE),
            unit: unit(map),
            normalized: float(map, NORMALIZED),
            rolling_avg: float(map, ROLLING_AVG),
        }
    }

    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) {
        self.records.retain(|map| keep(float(map, VALUE), unit(map)));
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        for map in &mut self.records {
            let normalized = f(float(map, VALUE), unit(map));
            set_float(map, NORMALIZED, normalized);
        }
    }

    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        for map in &mut self.records {
            let rolling = f(SensorKey::Name(text(map, SENSOR_ID)), float(map, VALUE));
            set_float(map, ROLLING_AVG, rolling);
        }
    }

    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        for map in &self.records {
            f(
                SensorKey::Name(text(map, SENSOR_ID)),
                Scanned {
                    unit: unit(map),
                    value: float(map, VALUE),
                    normalized: float(map, NORMALIZED),
                    rolling_avg: float(map, ROLLING_AVG),
                },
            );
        }
    }

    fn types() -> Vec<TypeInfo> {
        // A map has no fixed fields; what can be shown is the size of what each entry holds.
        let entry = TypeInfo::from_spans(
            "(String, FieldValue) map entry",
            std::mem::size_of::<(String, FieldValue)>(),
            std::mem::align_of::<(String, FieldValue)>(),
            vec![
                ("key: String", 0..std::mem::size_of::<String>()),
                (
                    "value: FieldValue",
                    std::mem::size_of::<String>()
                        ..std::mem::size_of::<String>() + std::mem::size_of::<FieldValue>(),
                ),
            ],
        );
        let map = TypeInfo::from_spans(
            "HashMap<String, FieldValue> (handle)",
            std::mem::size_of::<FieldMap>(),
            std::mem::align_of::<FieldMap>(),
            vec![("table", 0..std::mem::size_of::<FieldMap>())],
        );
        vec![map, entry]
    }
}

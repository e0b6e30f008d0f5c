//! `json_value` — one `serde_json::Value::Object` per record, as a "parse into JSON values"
//! pipeline holds its data.
//!
//! It answers: what does the usual dynamic JSON pipeline cost, in memory and time, against
//! typed records? Each record is a `Value::Object` whose `Map` (a `BTreeMap<String, Value>`
//! without serde_json's `preserve_order` feature) owns one B-tree leaf node with room for
//! 11 entries, the six key strings, and the id and unit text: nine heap blocks per record.
//! Numbers sit inline in their `Value` as `Value::Number`, every field access is a search
//! of the node's keys, and the unit is text that is parsed on each use.
//!
//! JSON numbers cannot be NaN or infinite (`Number::from_f64` refuses them, and
//! serde_json's serializer writes them as `null`). A `null` would lose which of the three
//! a reading was, so a non-finite value is stored the way the CSV input spells it, as the
//! string `"NaN"`, `"inf"` or `"-inf"`, and read back as that value; the filter then drops
//! it like any other layout does. (A NaN's sign and payload bits are not kept: JSON text
//! has one NaN, and nothing after the filter can see it.) Finite numbers, `-0.0` included,
//! are held as the exact `f64` (`Number` stores an `f64`), so the aggregates are
//! bit-identical to every other layout's. Only a trip through JSON *text* could change a
//! value: serde_json's default float parser is not exact for every `f64` unless its
//! `float_roundtrip` feature is on; this layout never goes through text.

use serde_json::{Map, Number, Value};

use crate::inspect::TypeInfo;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit};

const SENSOR_ID: &str = "sensor_id";
const TIMESTAMP: &str = "timestamp";
const VALUE: &str = "value";
const UNIT: &str = "unit";
const NORMALIZED: &str = "normalized";
const ROLLING_AVG: &str = "rolling_avg";

/// The JSON value of a float: a `Number` when finite, else its CSV spelling as a string.
#[inline]
fn number(x: f64) -> Value {
    match Number::from_f64(x) {
        Some(n) => Value::Number(n),
        None if x.is_nan() => Value::String("NaN".to_owned()),
        None if x > 0.0 => Value::String("inf".to_owned()),
        None => Value::String("-inf".to_owned()),
    }
}

/// The record's fields, from the `Value::Object` every slot of the store holds.
///
/// # Panics
///
/// If the value is not an object; `push` only stores objects.
#[inline]
fn fields(record: &Value) -> &Map<String, Value> {
    match record {
        Value::Object(map) => map,
        other => panic!("json_value record should be an object, is {other}"),
    }
}

/// As [`fields`], mutably.
///
/// # Panics
///
/// If the value is not an object; `push` only stores objects.
#[inline]
fn fields_mut(record: &mut Value) -> &mut Map<String, Value> {
    match record {
        Value::Object(map) => map,
        other => panic!("json_value record should be an object, is {other}"),
    }
}

/// The float in field `key`, written by [`number`].
///
/// # Panics
///
/// If the field is missing or holds anything [`number`] does not write.
#[inline]
fn float(map: &Map<String, Value>, key: &str) -> f64 {
    match map.get(key) {
        Some(Value::Number(n)) => n
            .as_f64()
            .expect("a Number made by Number::from_f64 is an f64"),
        Some(Value::String(s)) if s == "NaN" => f64::NAN,
        Some(Value::String(s)) if s == "inf" => f64::INFINITY,
        Some(Value::String(s)) if s == "-inf" => f64::NEG_INFINITY,
        other => panic!("json_value field {key:?} should be a number, is {other:?}"),
    }
}

/// The text in field `key`.
///
/// # Panics
///
/// If the field is missing or not a string; `push` writes every text field.
#[inline]
fn text<'m>(map: &'m Map<String, Value>, key: &str) -> &'m str {
    match map.get(key) {
        Some(Value::String(s)) => s,
        other => panic!("json_value field {key:?} should be a string, is {other:?}"),
    }
}

/// The unit, parsed from its symbol as a JSON consumer must.
///
/// # Panics
///
/// If the unit field holds anything but a symbol; `push` writes one.
#[inline]
fn unit(map: &Map<String, Value>) -> Unit {
    text(map, UNIT)
        .parse()
        .expect("json_value unit field holds a symbol written by push")
}

/// Overwrites field `key` with the float `x`.
///
/// # Panics
///
/// If the field is missing; `push` writes every field.
#[inline]
fn set_float(map: &mut Map<String, Value>, key: &str, x: f64) {
    match map.get_mut(key) {
        Some(slot) => *slot = number(x),
        None => panic!("json_value record has no field {key:?}"),
    }
}

/// A `Vec` of JSON objects, one per record, in store order.
#[derive(Debug, Default)]
pub struct JsonValue {
    records: Vec<Value>,
}

impl Layout for JsonValue {
    const NAME: &'static str = "json_value";
    const HEAP_BYTES_PER_RECORD: usize = 860;
    const SUMMARY: &'static str =
        "one serde_json::Value::Object per record (BTreeMap of six owned keys)";
    const RUNTIME_SCHEMA: bool = true;

    fn with_capacity(records: usize) -> Self {
        JsonValue {
            records: Vec::with_capacity(records),
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        let mut map = Map::new();
        map.insert(
            SENSOR_ID.to_owned(),
            Value::String(reading.sensor_id.to_owned()),
        );
        map.insert(TIMESTAMP.to_owned(), number(reading.timestamp));
        map.insert(VALUE.to_owned(), number(reading.value));
        map.insert(
            UNIT.to_owned(),
            Value::String(reading.unit.symbol().to_owned()),
        );
        map.insert(NORMALIZED.to_owned(), number(0.0));
        map.insert(ROLLING_AVG.to_owned(), number(0.0));
        self.records.push(Value::Object(map));
        Ok(())
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn record(&self, index: usize) -> RecordRef<'_> {
        let map = fields(&self.records[index]);
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
        self.records.retain(|record| {
            let map = fields(record);
            keep(float(map, VALUE), unit(map))
        });
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        for record in &mut self.records {
            let map = fields_mut(record);
            let normalized = f(float(map, VALUE), unit(map));
            set_float(map, NORMALIZED, normalized);
        }
    }

    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        for record in &mut self.records {
            let map = fields_mut(record);
            let rolling = f(SensorKey::Name(text(map, SENSOR_ID)), float(map, VALUE));
            set_float(map, ROLLING_AVG, rolling);
        }
    }

    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        for record in &self.records {
            let map = fields(record);
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
        use std::mem::{align_of, size_of};
        // `Value` is an enum, so memoffset cannot name its fields; where its largest payload
        // (a String, Vec or Map) starts is read off a live value instead, from addresses.
        let probe = Value::String(String::new());
        let payload_at = match &probe {
            Value::String(s) => s as *const String as usize - &probe as *const Value as usize,
            _ => unreachable!("the probe is a string"),
        };
        let payload = size_of::<String>();
        let value = TypeInfo::from_spans(
            "serde_json::Value (enum: the bytes outside the payload hold the variant tag)",
            size_of::<Value>(),
            align_of::<Value>(),
            vec![(
                "payload: String | Vec<Value> | Map (Number: 16 B, Bool: 1 B)",
                payload_at..payload_at + payload,
            )],
        );
        let map = TypeInfo::from_spans(
            "serde_json::Map<String, Value> (handle: BTreeMap root, height, length)",
            size_of::<Map<String, Value>>(),
            align_of::<Map<String, Value>>(),
            vec![("tree", 0..size_of::<Map<String, Value>>())],
        );
        // A B-tree node keeps its keys and its values in two arrays of 11 slots each; one
        // entry therefore costs one slot of each, plus the key's own heap block.
        let key = size_of::<String>();
        let entry = TypeInfo::from_spans(
            "one map entry (a slot in the node's key array + a slot in its value array)",
            key + size_of::<Value>(),
            align_of::<Value>(),
            vec![
                ("key: String", 0..key),
                ("value: Value", key..key + size_of::<Value>()),
            ],
        );
        vec![value, map, entry]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_survive_bit_for_bit_and_non_finite_values_become_their_csv_spelling() {
        for x in [
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            -f64::MAX,
            0.1 + 0.2,
            1_700_000_000.5,
        ] {
            let map = Map::from_iter([("x".to_owned(), number(x))]);
            assert_eq!(float(&map, "x").to_bits(), x.to_bits(), "{x:e}");
        }
        for (x, spelling) in [
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            let map = Map::from_iter([("x".to_owned(), number(x))]);
            assert_eq!(map["x"], Value::String(spelling.to_owned()));
            let back = float(&map, "x");
            assert!(back.to_bits() == x.to_bits(), "{spelling} read back as {back}");
            // The filter's test: none of them is inside any unit's range.
            assert!(Unit::ALL.iter().all(|u| !u.contains(back)));
        }
    }

    #[test]
    fn a_record_is_an_object_with_the_six_fields() {
        let mut store = JsonValue::with_capacity(1);
        store
            .push(&Reading {
                sensor_id: "S001",
                timestamp: 2.5,
                value: -0.0,
                unit: Unit::Celsius,
            })
            .unwrap();
        let map = fields(&store.records[0]);
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        // BTreeMap order: sorted by key.
        assert_eq!(
            keys,
            ["normalized", "rolling_avg", "sensor_id", "timestamp", "unit", "value"]
        );
        assert_eq!(map["unit"], "C");
        assert_eq!(store.record(0).value.to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn inspect_finds_the_value_payload_inside_the_value() {
        let types = JsonValue::types();
        let value = &types[0];
        assert_eq!(value.size, std::mem::size_of::<Value>());
        let payload = &value.fields[0];
        assert_eq!(payload.size, std::mem::size_of::<String>());
        assert!(payload.offset + payload.size <= value.size);
        assert_eq!(types[2].size, 24 + value.size);
    }
}

//! The `arrow` layout's tests: the batch's schema, the filter sharing the dictionary, reads
//! from builders and from the batch agreeing, pushes after a stage, and the u16 key limit.

use super::*;
use crate::layouts::percent_reading as reading;

/// A store of `n` records of sensors `s0..s3`, timestamp `i`, value `i`, so values of
/// 101 and up are dropped by the filter.
fn store(n: u32) -> Arrow {
    let ids: Vec<String> = (0..4).map(|i| format!("s{i}")).collect();
    let mut store = Arrow::with_capacity(n as usize);
    for i in 0..n {
        let id = &ids[i as usize % 4];
        store.push(&reading(id, f64::from(i), f64::from(i))).unwrap();
    }
    store
}

fn batch(store: &Arrow) -> &RecordBatch {
    match &store.state {
        State::Sealed(batch) => batch,
        State::Building(_) => panic!("not sealed"),
    }
}

#[test]
fn the_batch_has_the_documented_schema() {
    let mut s = store(3);
    s.set_normalized(|_, _| 0.5);
    let schema = batch(&s).schema();
    let types: Vec<_> = schema.fields().iter().map(|f| f.data_type().clone()).collect();
    let dictionary = DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::Utf8));
    assert_eq!(
        types,
        [
            dictionary,
            DataType::Float64,
            DataType::Float64,
            DataType::UInt8,
            DataType::Float64,
            DataType::Float64
        ]
    );
    assert!(schema.fields().iter().all(|f| !f.is_nullable()));
}

#[test]
fn the_filter_filters_keys_and_shares_the_dictionary_values() {
    let mut s = store(200);
    s.set_normalized(|value, _| value);
    let values_before = batch(&s).column(col::SENSOR).as_dictionary::<UInt16Type>().values().clone();
    s.retain(|value, unit| unit.contains(value) && value as u32 % 3 != 0);
    let values_after = batch(&s).column(col::SENSOR).as_dictionary::<UInt16Type>().values();
    assert!(Arc::ptr_eq(&values_before, values_after), "values shared, not copied");
    let want: Vec<u32> = (0..=100).filter(|i| i % 3 != 0).collect();
    assert_eq!(s.len(), want.len());
    for (at, &i) in want.iter().enumerate() {
        let r = s.record(at);
        assert_eq!(r.sensor_id, format!("s{}", i % 4), "record {at}");
        assert_eq!((r.timestamp, r.value, r.normalized), (f64::from(i), f64::from(i), f64::from(i)));
    }
}

#[test]
fn records_read_the_same_from_builders_and_from_the_batch() {
    let mut s = store(10);
    let building: Vec<_> = (0..10).map(|i| format!("{:?}", s.record(i))).collect();
    s.retain(|_, _| true);
    let sealed: Vec<_> = (0..10).map(|i| format!("{:?}", s.record(i))).collect();
    assert_eq!(building, sealed);
    assert_eq!(s.interned_sensors(), 4);
    assert_eq!(s.interned_name(3), "s3");
}

#[test]
fn filtering_everything_leaves_an_empty_batch_that_stages_still_run_over() {
    let mut s = store(5);
    s.retain(|_, _| false);
    assert!(s.is_empty());
    s.set_normalized(|_, _| unreachable!("no record to normalize"));
    s.set_rolling(|_, _| unreachable!("no record to roll"));
    s.scan(|_, _| unreachable!("no record to scan"));
    assert_eq!(batch(&s).num_rows(), 0);

    let mut empty = Arrow::with_capacity(0);
    empty.retain(|_, _| true);
    assert_eq!((empty.len(), empty.interned_sensors()), (0, 0));
}

#[test]
fn a_push_after_a_stage_appends_to_copies_of_the_columns() {
    let mut s = store(4);
    s.set_rolling(|_, value| value * 2.0);
    s.push(&reading("s9", 9.0, 9.0)).unwrap();
    s.push(&reading("s1", 10.0, 10.0)).unwrap();
    assert_eq!(s.len(), 6);
    assert_eq!(s.record(3).rolling_avg, 6.0, "derived values survive");
    let r = s.record(4);
    assert_eq!((r.sensor_id, r.value, r.rolling_avg), ("s9", 9.0, 0.0));
    assert_eq!(s.record(5).sensor_id, "s1");
    assert_eq!(s.interned_sensors(), 5, "s1 kept its id");
}

#[test]
fn more_sensors_than_a_u16_holds_is_an_error() {
    let mut s = Arrow::with_capacity(0);
    for i in 0..1 << 16 {
        s.push(&reading(&i.to_string(), 0.0, 1.0)).unwrap();
    }
    let err = s.push(&reading("one too many", 0.0, 1.0)).unwrap_err();
    assert_eq!((err.layout, err.id_type, err.limit), ("arrow", "u16", 65536));
    assert_eq!(s.len(), 1 << 16, "the failed push added nothing");
    // 65 536 values still fit the u16 keys once sealed.
    s.retain(|_, _| true);
    assert_eq!(s.interned_name(65535), "65535");
}

//! Every registered layout gives bit-identical aggregates for the same readings — for
//! arbitrary readings, including the edge cases SPEC §3 cares about — and stores each
//! reading faithfully. The registry drives the test, so a new layout is covered as soon
//! as it is registered.

use layoutlab::layouts::{self, Layout, LayoutFn};
use layoutlab::pipeline::{self, Aggregates};
use layoutlab::record::Unit;
use layoutlab::source::replay::{OwnedReading, Replay};
use proptest::prelude::*;
use std::num::NonZeroUsize;

/// Runs every layout over `readings`; returns (layout, aggregates or error text).
fn run_all(
    readings: &[OwnedReading],
    window: usize,
) -> Vec<(&'static str, Result<Aggregates, String>)> {
    struct RunAll<'a> {
        readings: &'a [OwnedReading],
        window: NonZeroUsize,
    }
    impl LayoutFn for RunAll<'_> {
        type Out = (&'static str, Result<Aggregates, String>);
        fn call<L: Layout>(&mut self) -> Self::Out {
            let outcome =
                pipeline::run::<L, _, _>(&mut Replay::new(self.readings), self.window, &mut ());
            (
                L::NAME,
                outcome.map(|o| o.aggregates).map_err(|e| e.to_string()),
            )
        }
    }
    let out = layouts::visit_all(&mut RunAll {
        readings,
        window: NonZeroUsize::new(window).unwrap(),
    });
    assert_eq!(out.len(), layouts::LAYOUTS.len());
    out
}

fn assert_identical(readings: &[OwnedReading], window: usize) -> Aggregates {
    let results = run_all(readings, window);
    let (first_name, first) = &results[0];
    let first = first
        .as_ref()
        .unwrap_or_else(|e| panic!("{first_name}: {e}"));
    for (name, other) in &results[1..] {
        let other = other.as_ref().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            first.bit_identical(other),
            "{first_name} and {name} differ:\n{first:?}\n{other:?}"
        );
    }
    first.clone()
}

fn reading(id: &str, value: f64, unit: Unit) -> OwnedReading {
    OwnedReading {
        sensor_id: id.to_owned(),
        timestamp: 1.0,
        value,
        unit,
    }
}

/// A pool of ids with their units (one unit per sensor), including a 32-byte id.
fn sensor_pool() -> impl Strategy<Value = Vec<(String, Unit)>> {
    let id = prop_oneof!["[A-Za-z0-9_.-]{1,8}", "[A-Za-z0-9_.-]{32}",];
    let unit = prop::sample::select(Unit::ALL.to_vec());
    prop::collection::btree_map(id, unit, 1..12).prop_map(|m| m.into_iter().collect())
}

fn value_strategy() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => -200.0f64..120_000.0,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(-0.0),
        1 => prop::sample::select(vec![-40.0, 125.0, 0.0, 100.0, 300.0, 1100.0, 100_000.0, 5000.0]),
        1 => any::<f64>(),
    ]
}

fn readings_strategy() -> impl Strategy<Value = Vec<OwnedReading>> {
    sensor_pool().prop_flat_map(|pool| {
        let n = pool.len();
        prop::collection::vec((0..n, value_strategy(), -1e10f64..1e10), 0..300).prop_map(
            move |rows| {
                rows.into_iter()
                    .map(|(i, value, timestamp)| OwnedReading {
                        sensor_id: pool[i].0.clone(),
                        timestamp,
                        value,
                        unit: pool[i].1,
                    })
                    .collect()
            },
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn all_layouts_agree_on_arbitrary_readings(readings in readings_strategy(), window in 1usize..40) {
        let agg = assert_identical(&readings, window);
        let valid = readings.iter().filter(|r| r.unit.contains(r.value)).count() as u64;
        prop_assert_eq!(agg.kept, valid);
        prop_assert_eq!(agg.sensors.iter().map(|s| s.count).sum::<u64>(), valid);
    }
}

#[test]
fn empty_input() {
    let agg = assert_identical(&[], 16);
    assert_eq!(agg.kept, 0);
    assert_eq!(agg.checksum.to_bits(), 0.0f64.to_bits());
    assert!(agg.sensors.is_empty());
}

#[test]
fn one_sensor() {
    let readings: Vec<_> = (0..100)
        .map(|i| reading("only", i as f64, Unit::Percent))
        .collect();
    let agg = assert_identical(&readings, 16);
    assert_eq!(agg.kept, 100);
    assert_eq!(agg.sensors.len(), 1);
    assert_eq!(agg.sensors[0].max, 99.0);
    // The last 16 values are 84..=99, whose mean is 91.5.
    assert_eq!(agg.sensors[0].last_rolling_avg, 91.5);
}

#[test]
fn everything_filtered_out() {
    let readings = vec![
        reading("a", f64::NAN, Unit::Celsius),
        reading("b", f64::INFINITY, Unit::Lux),
        reading("c", -1.0, Unit::Ppm),
        reading("a", 125.5, Unit::Celsius),
    ];
    let agg = assert_identical(&readings, 16);
    assert_eq!(agg.kept, 0);
    assert!(agg.sensors.is_empty());
}

#[test]
fn ids_of_32_bytes_are_kept_whole() {
    let long = "x".repeat(32);
    let readings = vec![reading(&long, 1.0, Unit::Ppm), reading("y", 2.0, Unit::Ppm)];
    let agg = assert_identical(&readings, 16);
    assert_eq!(agg.sensors[0].sensor_id, long);
}

#[test]
fn more_sensors_than_u16_holds_is_an_error_never_a_wrap() {
    let readings: Vec<_> = (0..70_000u32)
        .map(|i| reading(&format!("s{i}"), 1.0, Unit::Celsius))
        .collect();
    let results = run_all(&readings, 4);
    let mut reference: Option<&Aggregates> = None;
    for (name, result) in &results {
        match result {
            Ok(agg) => {
                assert_eq!(agg.sensors.len(), 70_000, "{name}");
                if let Some(r) = reference {
                    assert!(r.bit_identical(agg), "{name} differs");
                }
                reference = Some(agg);
            }
            Err(e) => assert!(
                e.contains(name) && e.contains("at most 65536 distinct sensors"),
                "{name}: {e}"
            ),
        }
    }
    assert!(
        reference.is_some(),
        "at least the string-keyed layouts hold 70 000 sensors"
    );
}

/// Each layout stores every field of every reading faithfully, in order, and the filter
/// keeps order.
#[test]
fn layouts_store_what_they_are_given() {
    struct Check<'a>(&'a [OwnedReading]);
    impl LayoutFn for Check<'_> {
        type Out = ();
        fn call<L: Layout>(&mut self) {
            let (mut store, _) = pipeline::ingest::<L, _>(&mut Replay::new(self.0)).unwrap();
            assert_eq!(store.len(), self.0.len(), "{}", L::NAME);
            for (i, r) in self.0.iter().enumerate() {
                let got = store.record(i);
                assert_eq!(got.sensor_id, r.sensor_id, "{}", L::NAME);
                assert_eq!(
                    got.timestamp.to_bits(),
                    r.timestamp.to_bits(),
                    "{}",
                    L::NAME
                );
                assert_eq!(got.value.to_bits(), r.value.to_bits(), "{}", L::NAME);
                assert_eq!(got.unit, r.unit, "{}", L::NAME);
                assert_eq!((got.normalized, got.rolling_avg), (0.0, 0.0), "{}", L::NAME);
            }
            pipeline::filter(&mut store);
            pipeline::normalize(&mut store);
            let kept: Vec<_> = self.0.iter().filter(|r| r.unit.contains(r.value)).collect();
            assert_eq!(store.len(), kept.len(), "{}", L::NAME);
            for (i, r) in kept.iter().enumerate() {
                let got = store.record(i);
                assert_eq!(got.sensor_id, r.sensor_id, "{}", L::NAME);
                assert_eq!(
                    got.timestamp.to_bits(),
                    r.timestamp.to_bits(),
                    "{}",
                    L::NAME
                );
                assert_eq!(got.normalized, r.unit.normalize(r.value), "{}", L::NAME);
            }
        }
    }
    let readings: Vec<_> = (0..500)
        .map(|i| OwnedReading {
            sensor_id: format!("s{}", i % 7),
            timestamp: 1e9 + i as f64,
            value: if i % 10 == 0 {
                f64::NAN
            } else {
                i as f64 * 0.37
            },
            unit: Unit::ALL[(i % 7) % 5],
        })
        .collect();
    layouts::visit_all(&mut Check(&readings));
}

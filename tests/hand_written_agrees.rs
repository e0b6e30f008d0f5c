//! The hand-written loop that `benches/handwritten.rs` holds the generic pipeline to does the
//! same work: its aggregates are bit-identical to the pipeline's, on the benches' workload
//! and on arbitrary readings. Otherwise the comparison would be of different work.

#[path = "../benches/common/hand_written.rs"]
mod hand_written;

use std::num::NonZeroUsize;

use layoutlab::layouts::Soa;
use layoutlab::pipeline::{self, Aggregates};
use layoutlab::record::Unit;
use layoutlab::source::replay::{OwnedReading, Replay};
use layoutlab::source::{Generator, GeneratorConfig, Source};
use proptest::prelude::*;

/// The aggregates of the generic pipeline over `soa` and of the hand-written loop, each on
/// a fresh source from `open`.
fn both<S: Source>(open: impl Fn() -> S, window: usize) -> (Aggregates, Aggregates) {
    let window = NonZeroUsize::new(window).unwrap();
    let generic = pipeline::run::<Soa, _, _>(&mut open(), window, &mut ())
        .unwrap()
        .aggregates;
    let mut columns = hand_written::Columns::load(&mut open()).unwrap();
    let by_hand = hand_written::run(&mut columns, window.get());
    (generic, by_hand)
}

#[test]
fn agrees_on_the_benches_workload() {
    // The benches' workload (64 sensors, seed 42); 200 000 records wrap every ring often.
    let config = GeneratorConfig {
        records: 200_000,
        ..GeneratorConfig::default()
    };
    let (generic, by_hand) = both(|| Generator::new(config.clone()), 16);
    assert!(generic.kept > 190_000 && generic.kept < 200_000);
    assert_eq!(generic.sensors.len(), 64);
    assert!(generic.bit_identical(&by_hand), "{generic:?}\n{by_hand:?}");
}

fn readings_strategy() -> impl Strategy<Value = Vec<OwnedReading>> {
    let pool = prop::collection::btree_map(
        "[A-Za-z0-9_.-]{1,6}",
        prop::sample::select(Unit::ALL.to_vec()),
        1..8,
    )
    .prop_map(|m| m.into_iter().collect::<Vec<_>>());
    let value = prop_oneof![
        6 => -200.0f64..120_000.0,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-0.0),
        1 => prop::sample::select(vec![-40.0, 125.0, 0.0, 100.0, 300.0, 1100.0, 5000.0]),
    ];
    pool.prop_flat_map(move |pool| {
        let n = pool.len();
        prop::collection::vec((0..n, value.clone()), 0..400).prop_map(move |rows| {
            rows.into_iter()
                .enumerate()
                .map(|(t, (i, value))| OwnedReading {
                    sensor_id: pool[i].0.clone(),
                    timestamp: t as f64,
                    value,
                    unit: pool[i].1,
                })
                .collect()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn agrees_on_arbitrary_readings(readings in readings_strategy(), window in 1usize..20) {
        let (generic, by_hand) = both(|| Replay::new(&readings), window);
        prop_assert!(generic.bit_identical(&by_hand), "{:?}\n{:?}", generic, by_hand);
    }
}

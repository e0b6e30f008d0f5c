//! The hand-written loops that `benches/handwritten.rs` holds the generic pipeline to do the
//! same work: their aggregates are bit-identical to the pipeline's, on the benches' workload
//! and on arbitrary readings, and they leave the same columns behind. Otherwise the
//! comparison would be of different work.

#[path = "../benches/common/hand_written.rs"]
mod hand_written;

use std::num::NonZeroUsize;

use layoutlab::layouts::Soa;
use layoutlab::pipeline::{self, Aggregates};
use layoutlab::record::Unit;
use layoutlab::source::replay::{OwnedReading, Replay};
use layoutlab::source::{Generator, GeneratorConfig, Source};
use proptest::prelude::*;

/// Runs the generic pipeline over `soa`, the staged loop and the fused loop, each on a fresh
/// source from `open`, and asserts all three agree bit for bit; returns the aggregates.
fn assert_all_agree<S: Source>(open: impl Fn() -> S, window: usize) -> Aggregates {
    let generic =
        pipeline::run::<Soa, _, _>(&mut open(), NonZeroUsize::new(window).unwrap(), &mut ())
            .unwrap()
            .aggregates;
    let mut staged = hand_written::Columns::load(&mut open()).unwrap();
    let by_hand = hand_written::run(&mut staged, window);
    assert!(
        generic.bit_identical(&by_hand),
        "staged loop:\n{generic:?}\n{by_hand:?}"
    );
    let mut fused = hand_written::Columns::load(&mut open()).unwrap();
    let by_hand = hand_written::run_fused(&mut fused, window);
    assert!(
        generic.bit_identical(&by_hand),
        "fused loop:\n{generic:?}\n{by_hand:?}"
    );
    let bits = |c: &[f64]| c.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(staged.sensor, fused.sensor);
    assert_eq!(bits(&staged.timestamp), bits(&fused.timestamp));
    assert_eq!(bits(&staged.normalized), bits(&fused.normalized));
    assert_eq!(bits(&staged.rolling_avg), bits(&fused.rolling_avg));
    generic
}

#[test]
fn agrees_on_the_benches_workload() {
    // The benches' workload (64 sensors, seed 42); 200 000 records wrap every ring often.
    let config = GeneratorConfig {
        records: 200_000,
        ..GeneratorConfig::default()
    };
    let generic = assert_all_agree(|| Generator::new(config.clone()), 16);
    assert!(generic.kept > 190_000 && generic.kept < 200_000);
    assert_eq!(generic.sensors.len(), 64);
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
        assert_all_agree(|| Replay::new(&readings), window);
    }
}

//! The sensor reading derived as a record of one's own, run through the pipeline written
//! against the store API, gives aggregates bit-identical to the built-in pipeline over the
//! hand-written layouts, in every derived layout.

mod own_common;

use layoutlab::layouts::Soa;
use layoutlab::pipeline::{self, DEFAULT_WINDOW};
use layoutlab::source::{Generator, GeneratorConfig};
use layoutlab::{Record, Store, StoreFn, Workload};
use own_common::sensor::{ingest, Pipeline, SensorReading};

struct RunPipeline(GeneratorConfig);

impl StoreFn<SensorReading> for RunPipeline {
    type Out = pipeline::Aggregates;
    fn call<S: Store<SensorReading>>(self) -> pipeline::Aggregates {
        let mut store = ingest::<S>(&self.0);
        Pipeline {
            window: DEFAULT_WINDOW.get(),
        }
        .run(&mut store)
    }
}

#[test]
fn every_derived_layout_matches_the_built_in_pipeline_bit_for_bit() {
    for config in [
        GeneratorConfig {
            records: 20_000,
            sensors: 64,
            seed: 42,
        },
        GeneratorConfig {
            records: 5_000,
            sensors: 1,
            seed: 7,
        },
        GeneratorConfig {
            records: 3_000,
            sensors: 700,
            seed: 3,
        },
        GeneratorConfig {
            records: 0,
            sensors: 4,
            seed: 1,
        },
    ] {
        let built_in = pipeline::run::<Soa, _, _>(
            &mut Generator::new(config.clone()),
            DEFAULT_WINDOW,
            &mut (),
        )
        .unwrap()
        .aggregates;
        let layouts = SensorReading::layouts();
        assert_eq!(layouts.len(), 7, "no cold field, so no hot_cold");
        for layout in layouts {
            let derived =
                SensorReading::for_layout(layout.name, RunPipeline(config.clone())).unwrap();
            assert!(
                derived.bit_identical(&built_in),
                "layout {} on {config:?}: kept {} vs {}, checksum {} vs {}",
                layout.name,
                derived.kept,
                built_in.kept,
                derived.checksum,
                built_in.checksum
            );
        }
    }
}

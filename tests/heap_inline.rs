//! Heap facts of the `inline` layout, counted by dhat in testing mode: with the generated
//! workload's short ids ("S000") no record allocates — ingesting 500 000 records is one
//! heap block, the `Vec` — and a whole pipeline run allocates the same few hundred blocks
//! whatever the record count. Ids longer than 16 bytes spill: one block each.
//!
//! Heap tests live one per file because each integration-test file is its own process and
//! dhat counts every allocation in it. `main` runs the steps in order on the
//! process's only thread (`harness = false`): libtest's own thread could allocate while
//! dhat counts.
//! (`HeapStats::get` is read outside `dhat::assert!`, which must not reenter dhat.)

use std::convert::Infallible;

use dhat::HeapStats;
use layoutlab::layouts::{Inline, Layout};
use layoutlab::pipeline::{self, DEFAULT_WINDOW};
use layoutlab::record::{Reading, Unit};
use layoutlab::source::{Generator, GeneratorConfig, Source};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const RECORDS: u64 = 500_000;

fn generator(records: u64) -> Generator {
    Generator::new(GeneratorConfig {
        records,
        sensors: 64,
        seed: 42,
    })
}

/// Blocks and bytes allocated between two snapshots.
fn allocated(from: &HeapStats, to: &HeapStats) -> (u64, u64) {
    (
        to.total_blocks - from.total_blocks,
        to.total_bytes - from.total_bytes,
    )
}

/// Heap blocks a whole pipeline run over `records` generated readings allocates.
fn pipeline_blocks(records: u64) -> u64 {
    let before = HeapStats::get();
    let outcome =
        pipeline::run::<Inline, _, _>(&mut generator(records), DEFAULT_WINDOW, &mut ()).unwrap();
    assert_eq!(outcome.aggregates.sensors.len(), 64);
    allocated(&before, &HeapStats::get()).0
}

fn short_ids_allocate_nothing_per_record_and_long_ids_spill_once() {
    let _profiler = dhat::Profiler::builder().testing().build();

    // The generator allocates a little of its own (its table of names); learn how much.
    let start = HeapStats::get();
    generator(RECORDS)
        .stream(|_| Ok::<(), Infallible>(()))
        .unwrap();
    let (source_blocks, source_bytes) = allocated(&start, &HeapStats::get());

    // Ingest: 500 000 records, one heap block — the Vec of 64-byte records.
    let before = HeapStats::get();
    let (mut store, _) = pipeline::ingest::<Inline, _>(&mut generator(RECORDS)).unwrap();
    let (blocks, bytes) = allocated(&before, &HeapStats::get());
    dhat::assert_eq!(blocks - source_blocks, 1);
    dhat::assert_eq!(bytes - source_bytes, RECORDS * 64);

    // Filter: compacts in place; no id had spilled, so nothing is allocated or freed.
    let before = HeapStats::get();
    pipeline::filter(&mut store);
    let after = HeapStats::get();
    dhat::assert_eq!(after.total_blocks, before.total_blocks);
    dhat::assert_eq!(after.curr_blocks, before.curr_blocks);
    drop(store);

    // A whole run allocates only the pipeline's per-sensor state and the source's table:
    // a few hundred blocks, the same for 100 000 records as for 500 000.
    let small = pipeline_blocks(RECORDS / 5);
    let large = pipeline_blocks(RECORDS);
    dhat::assert_eq!(small, large);
    dhat::assert!(large < 1_000, "a whole run allocated {large} blocks");

    // Ids beyond 16 bytes spill: exactly one 32-byte block per 32-byte id, which still
    // reads back whole, and which the filter frees with its record.
    let long: Vec<String> = (0..1_000).map(|i| format!("{i:0>32}")).collect();
    let before = HeapStats::get();
    let mut store = Inline::with_capacity(long.len());
    for (i, id) in long.iter().enumerate() {
        let value = if i % 2 == 0 { 50.0 } else { f64::NAN };
        let reading = Reading {
            sensor_id: id,
            timestamp: 1.0,
            value,
            unit: Unit::Percent,
        };
        store.push(&reading).unwrap();
    }
    let (blocks, bytes) = allocated(&before, &HeapStats::get());
    dhat::assert_eq!(blocks, 1 + 1_000);
    dhat::assert_eq!(bytes, 1_000 * 64 + 1_000 * 32);
    dhat::assert_eq!(store.record(999).sensor_id, long[999]);
    let before = HeapStats::get();
    pipeline::filter(&mut store);
    let after = HeapStats::get();
    dhat::assert_eq!(before.curr_blocks - after.curr_blocks, 500);
    dhat::assert_eq!(store.record(499).sensor_id, long[998]);
}

fn main() {
    short_ids_allocate_nothing_per_record_and_long_ids_spill_once();
    println!("test result: ok. 1 passed; 0 failed (tests/heap_inline.rs)");
}

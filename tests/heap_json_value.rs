//! Heap facts of the `json_value` layout, counted by dhat in testing mode. The structural
//! fact: every record is exactly nine heap blocks — one B-tree leaf node (with slots for 11
//! keys and 11 values, of which 6 are used), the six key strings, and the id and unit text
//! — plus one more for a non-finite value, kept as the string "NaN", "inf" or "-inf".
//! Numbers live inside their `Value` and allocate nothing, so the numeric stages allocate
//! nothing either.
//!
//! Heap tests live one per file because each integration-test file is its own process and
//! dhat counts every allocation in it. `main` runs the steps in order on the
//! process's only thread (`harness = false`): libtest's own thread could allocate while
//! dhat counts.
//! (`HeapStats::get` is read outside `dhat::assert!`, which must not reenter dhat.)

use std::convert::Infallible;

use dhat::HeapStats;
use layoutlab::layouts::JsonValue;
use layoutlab::pipeline::{self, DEFAULT_WINDOW};
use layoutlab::source::{Generator, GeneratorConfig, Source};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const RECORDS: u64 = 100_000;

/// The six keys, as every record owns them: 9 + 9 + 5 + 4 + 10 + 11 bytes.
const KEYS: [&str; 6] = [
    "sensor_id",
    "timestamp",
    "value",
    "unit",
    "normalized",
    "rolling_avg",
];

fn generator() -> Generator {
    Generator::new(GeneratorConfig {
        records: RECORDS,
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

/// What the generated readings put in text: how many values are not finite, the bytes of
/// text per record outside the keys, and how many records the filter drops.
#[derive(Default)]
struct Census {
    non_finite: u64,
    text_bytes: u64,
    dropped: u64,
    dropped_non_finite: u64,
}

fn every_record_is_nine_heap_blocks_and_numbers_allocate_nothing() {
    let _profiler = dhat::Profiler::builder().testing().build();

    // The generator allocates a little of its own (its table of names); stream it once into
    // a sink that keeps nothing, to know how much, and take a census of the readings.
    let mut census = Census::default();
    let start = HeapStats::get();
    generator()
        .stream(|r| {
            census.text_bytes += (r.sensor_id.len() + r.unit.symbol().len()) as u64;
            if !r.value.is_finite() {
                census.non_finite += 1;
                census.text_bytes += match r.value {
                    x if x.is_nan() => 3,
                    x if x > 0.0 => 3,
                    _ => 4,
                };
            }
            if !r.unit.contains(r.value) {
                census.dropped += 1;
                census.dropped_non_finite += u64::from(!r.value.is_finite());
            }
            Ok::<(), Infallible>(())
        })
        .unwrap();
    let (source_blocks, source_bytes) = allocated(&start, &HeapStats::get());
    assert!(census.non_finite > 0 && census.dropped > census.non_finite);

    // Ingest: nine blocks per record, one more per non-finite value, one Vec of Values.
    let before = HeapStats::get();
    let (mut store, _) = pipeline::ingest::<JsonValue, _>(&mut generator()).unwrap();
    let (blocks, bytes) = allocated(&before, &HeapStats::get());
    dhat::assert_eq!(blocks - source_blocks, 9 * RECORDS + census.non_finite + 1);

    // Bytes: what is left after the Vec, the keys and the text is RECORDS equal B-tree
    // nodes, each with room for 11 keys (String, 24 B) and 11 values (Value, 32 B) plus a
    // small header — for 6 fields.
    let value = std::mem::size_of::<serde_json::Value>() as u64;
    let keys: u64 = KEYS.iter().map(|k| k.len() as u64).sum();
    let nodes = bytes - source_bytes - RECORDS * (value + keys) - census.text_bytes;
    dhat::assert_eq!(nodes % RECORDS, 0, "every record's node is the same size");
    let node = nodes / RECORDS;
    let slots = 11 * (24 + value);
    dhat::assert!(
        (slots..slots + 32).contains(&node),
        "a node is {node} bytes"
    );
    // So a record's heap cost is the node and friends: more than 20 × packed's 35 bytes.
    dhat::assert!((bytes - source_bytes) / RECORDS > 20 * 35);

    // Filter: allocates nothing; each dropped record frees its nine blocks, and its
    // non-finite value's string.
    let before = HeapStats::get();
    pipeline::filter(&mut store);
    let after = HeapStats::get();
    dhat::assert_eq!(after.total_blocks, before.total_blocks);
    dhat::assert_eq!(
        (before.curr_blocks - after.curr_blocks) as u64,
        9 * census.dropped + census.dropped_non_finite
    );

    // Normalize replaces a Number with a Number inside each map: no allocation.
    let before = HeapStats::get();
    pipeline::normalize(&mut store);
    let after = HeapStats::get();
    dhat::assert_eq!(after.total_blocks, before.total_blocks);

    // Rolling and aggregate allocate only per-sensor state, not per record.
    let before = HeapStats::get();
    pipeline::rolling(&mut store, DEFAULT_WINDOW);
    let aggregates = pipeline::aggregate(&store);
    let (blocks, _) = allocated(&before, &HeapStats::get());
    dhat::assert_eq!(aggregates.kept, RECORDS - census.dropped);
    dhat::assert!(
        blocks < 1_000,
        "rolling and aggregate allocated {blocks} blocks"
    );
}

fn main() {
    every_record_is_nine_heap_blocks_and_numbers_allocate_nothing();
    println!("test result: ok. 1 passed; 0 failed (tests/heap_json_value.rs)");
}

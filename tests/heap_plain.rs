//! Heap facts of the `plain` layout, counted by dhat in testing mode: the idiomatic
//! `Vec<PlainRecord>` costs exactly one heap block per record — its `String` id — plus the
//! one `Vec` of 64-byte records, reserved once because the generator announces its size.
//!
//! Heap tests live one per file because each integration-test file is its own process and
//! dhat counts every allocation in it. `main` runs the steps in order on the
//! process's only thread (`harness = false`): libtest's own thread could allocate while
//! dhat counts.
//! (`HeapStats::get` is read outside `dhat::assert!`, which must not reenter dhat.)

use std::convert::Infallible;

use dhat::HeapStats;
use layoutlab::layouts::{Layout, Plain};
use layoutlab::pipeline;
use layoutlab::source::{Generator, GeneratorConfig, Source};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const RECORDS: u64 = 200_000;

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

fn one_heap_block_per_record_for_its_id_plus_one_vec() {
    let _profiler = dhat::Profiler::builder().testing().build();

    // The generator allocates a little of its own (its table of names); stream it once into
    // a sink that keeps nothing, to know how much, and to count what the store will hold.
    let (mut id_bytes, mut dropped) = (0u64, 0usize);
    let start = HeapStats::get();
    generator()
        .stream(|r| {
            id_bytes += r.sensor_id.len() as u64;
            dropped += usize::from(!r.unit.contains(r.value));
            Ok::<(), Infallible>(())
        })
        .unwrap();
    let (source_blocks, source_bytes) = allocated(&start, &HeapStats::get());
    assert_eq!(
        id_bytes,
        RECORDS * 4,
        "generated ids are \"S000\"..\"S063\""
    );

    // Ingest: one block per id, and one Vec of RECORDS × 64 bytes.
    let before = HeapStats::get();
    let (mut store, _) = pipeline::ingest::<Plain, _>(&mut generator()).unwrap();
    let (blocks, bytes) = allocated(&before, &HeapStats::get());
    dhat::assert_eq!(blocks - source_blocks, RECORDS + 1);
    dhat::assert_eq!(bytes - source_bytes, RECORDS * 64 + id_bytes);

    // Filter: compacts in place, allocating nothing; each dropped record frees its id.
    let before = HeapStats::get();
    pipeline::filter(&mut store);
    let after = HeapStats::get();
    dhat::assert_eq!(after.total_blocks, before.total_blocks);
    dhat::assert_eq!(before.curr_blocks - after.curr_blocks, dropped);
    dhat::assert_eq!(store.len(), RECORDS as usize - dropped);

    // Normalize writes a field of each record: no allocation at all.
    let before = HeapStats::get();
    pipeline::normalize(&mut store);
    let after = HeapStats::get();
    dhat::assert_eq!(after.total_blocks, before.total_blocks);

    // Dropping the store frees every id and the Vec.
    let before = HeapStats::get();
    let live = store.len();
    drop(store);
    let after = HeapStats::get();
    dhat::assert_eq!(before.curr_blocks - after.curr_blocks, live + 1);
}

fn main() {
    one_heap_block_per_record_for_its_id_plus_one_vec();
    println!("test result: ok. 1 passed; 0 failed (tests/heap_plain.rs)");
}

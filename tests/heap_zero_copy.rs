//! Heap facts of the `zero_copy` layout, counted by dhat in testing mode: the whole
//! pipeline's peak heap is the 35-byte wire records plus a few kilobytes (intern table,
//! per-sensor state) — under 48 bytes per record by a wide margin — and stays under 44
//! when the source cannot announce its size and the buffer has to grow. The filter
//! compacts in place and allocates nothing.
//!
//! Heap tests live one per file because each integration-test file is its own process and
//! dhat counts every allocation in it. `main` runs the steps in order on the
//! process's only thread (`harness = false`): libtest's own thread could allocate while
//! dhat counts. Each step runs under a fresh profiler, so that each peak is its own.

use dhat::HeapStats;
use layoutlab::error::StreamError;
use layoutlab::layouts::zero_copy::RECORD_BYTES;
use layoutlab::layouts::{Layout, ZeroCopy};
use layoutlab::pipeline::{self, DEFAULT_WINDOW};
use layoutlab::record::Reading;
use layoutlab::source::{Generator, GeneratorConfig, Source, Streamed};

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

/// The generator's readings from a source that, like a CSV file, cannot say how many
/// there will be.
struct Unannounced(Generator);

impl Source for Unannounced {
    fn expected_records(&self) -> usize {
        0
    }

    fn stream<E, F>(&mut self, sink: F) -> Result<Streamed, StreamError<E>>
    where
        F: FnMut(&Reading<'_>) -> Result<(), E>,
    {
        self.0.stream(sink)
    }
}

/// Peak heap bytes per record over a whole pipeline run, under its own profiler.
fn peak_per_record<S: Source>(mut source: S) -> f64 {
    let _profiler = dhat::Profiler::builder().testing().build();
    let outcome = pipeline::run::<ZeroCopy, _, _>(&mut source, DEFAULT_WINDOW, &mut ()).unwrap();
    let peak = HeapStats::get().max_bytes;
    dhat::assert_eq!(outcome.records, RECORDS);
    peak as f64 / RECORDS as f64
}

fn peak_heap_is_the_wire_bytes_and_the_filter_allocates_nothing() {
    // A generated run reserves the buffer once: 35 bytes per record, and everything else
    // (source, intern table, pipeline state) is a few kilobytes.
    let announced = peak_per_record(generator(RECORDS));
    assert!(announced < 48.0, "{announced} bytes per record");
    assert!(
        announced < RECORD_BYTES as f64 + 0.1,
        "{announced} bytes per record"
    );

    // Without a size to reserve, the buffer grows by quarters: at most 1.25 × 35 bytes.
    let unannounced = peak_per_record(Unannounced(generator(RECORDS)));
    assert!(
        unannounced < 1.25 * RECORD_BYTES as f64 + 0.1,
        "{unannounced} bytes per record"
    );

    // Ingest allocates the buffer and the intern table, a count that does not grow with
    // the records; the filter compacts the bytes in place and allocates nothing.
    let _profiler = dhat::Profiler::builder().testing().build();
    let mut ingest_blocks = Vec::new();
    for records in [RECORDS / 5, RECORDS] {
        let before = HeapStats::get();
        let (mut store, _) = pipeline::ingest::<ZeroCopy, _>(&mut generator(records)).unwrap();
        ingest_blocks.push(HeapStats::get().total_blocks - before.total_blocks);
        dhat::assert_eq!(store.wire_bytes().len(), records as usize * RECORD_BYTES);

        let before = HeapStats::get();
        pipeline::filter(&mut store);
        let after = HeapStats::get();
        dhat::assert_eq!(after.total_blocks, before.total_blocks);
        dhat::assert_eq!(after.curr_bytes, before.curr_bytes);
        dhat::assert!(store.len() < records as usize);
    }
    dhat::assert_eq!(ingest_blocks[0], ingest_blocks[1]);
    dhat::assert!(ingest_blocks[1] < 400, "{ingest_blocks:?}");
}

fn main() {
    peak_heap_is_the_wire_bytes_and_the_filter_allocates_nothing();
    println!("test result: ok. 1 passed; 0 failed (tests/heap_zero_copy.rs)");
}

//! The sensor reading derived as a record of one's own uses exactly the heap bytes of the
//! hand-written layouts: derived `soa` and `packed` against built-in `Soa` and `Packed`, on
//! the same generated readings, after ingest and after the filter (dhat in testing mode; a
//! file of its own, without libtest's threads — see `heap_common`).

mod own_common;

use layoutlab::layouts::{self, Layout};
use layoutlab::own;
use layoutlab::pipeline;
use layoutlab::source::{Generator, GeneratorConfig, Source};
use layoutlab::Store;
// The row getters are a trait generated next to the struct: import it with the struct.
use own_common::sensor::{ingest, SensorReading, SensorReadingRowFields};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const CONFIG: GeneratorConfig = GeneratorConfig {
    records: 100_000,
    sensors: 64,
    seed: 7,
};

/// Live heap bytes of the store after ingest and after the filter.
#[derive(Debug, PartialEq)]
struct Bytes {
    ingested: u64,
    filtered: u64,
}

fn live() -> u64 {
    dhat::HeapStats::get().curr_bytes as u64
}

fn hand_written<L: Layout>() -> Bytes {
    let before = live();
    let mut source = Generator::new(CONFIG);
    let (mut store, _) = pipeline::ingest::<L, _>(&mut source).unwrap();
    let ingested = live() - before;
    pipeline::filter(&mut store);
    let filtered = live() - before;
    drop(store);
    Bytes { ingested, filtered }
}

fn derived<S: Store<SensorReading>>() -> Bytes {
    let before = live();
    let mut store = ingest::<S>(&CONFIG);
    let ingested = live() - before;
    store.retain(|r| r.unit().contains(r.value()));
    let filtered = live() - before;
    drop(store);
    Bytes { ingested, filtered }
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    assert_eq!(Generator::new(CONFIG).expected_records(), 100_000);

    let soa = (
        hand_written::<layouts::Soa>(),
        derived::<own::Soa<SensorReading>>(),
    );
    dhat::assert_eq!(soa.0, soa.1, "derived soa vs hand-written soa");
    let packed = (
        hand_written::<layouts::Packed>(),
        derived::<own::Packed<SensorReading>>(),
    );
    dhat::assert_eq!(packed.0, packed.1, "derived packed vs hand-written packed");
    // Both are the 35-byte record plus the intern table of 64 ids.
    let per_record = packed.1.ingested as f64 / CONFIG.records as f64;
    dhat::assert!((35.0..35.1).contains(&per_record), "{per_record} B/record");
    println!(
        "test derived_soa_and_packed_use_the_hand_written_bytes ... ok ({} and {} bytes)",
        soa.1.ingested, packed.1.ingested
    );
}

//! Heap facts of the `heap_map` layout that must never regress, in dhat testing mode (a
//! file of its own: dhat allows one profiler per process). See `heap_common` for why it has
//! no test harness.

mod heap_common;

use std::mem::size_of;

use heap_common::{profile, SENSORS};
use layoutlab::layouts::heap_map::{FieldMap, FieldValue};
use layoutlab::layouts::HeapMap;
use layoutlab::measure::heap::SwitchAlloc;
use layoutlab::pipeline::Stage;

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

fn main() {
    heap_map_allocates_nine_blocks_per_record();
    println!("test heap_map_allocates_nine_blocks_per_record ... ok");
}

fn heap_map_allocates_nine_blocks_per_record() {
    // dhat walks a backtrace per allocation, and heap_map allocates the most: keep N small.
    for records in [20_000, 40_000] {
        profile::<HeapMap>(records, |m| {
            // A hash table, six owned key Strings and two text values per record.
            let ingest = m.phases[Stage::Ingest].allocations;
            dhat::assert!(ingest >= 9 * records, "{ingest} allocations");
            dhat::assert!(
                ingest <= 9 * records + 8 * u64::from(SENSORS),
                "{ingest} allocations"
            );
            // At least the map handle in the Vec and six entries in its table.
            let per_record = (size_of::<FieldMap>() + 6 * size_of::<(String, FieldValue)>()) as u64;
            dhat::assert!(
                m.peak_bytes.0 >= per_record * records,
                "{} B/record",
                m.bytes_per_record
            );
            dhat::assert!(
                m.phases[Stage::Filter].live_bytes_at_end.0
                    < m.phases[Stage::Ingest].live_bytes_at_end.0
            );
        });
    }
}

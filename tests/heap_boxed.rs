//! Heap facts of the `boxed` layout that must never regress, in dhat testing mode (a file
//! of its own: dhat allows one profiler per process). See `heap_common` for why it has no
//! test harness.

mod heap_common;

use std::mem::size_of;

use heap_common::{profile, SENSORS};
use layoutlab::layouts::boxed::BoxedRecord;
use layoutlab::layouts::Boxed;
use layoutlab::measure::heap::SwitchAlloc;
use layoutlab::pipeline::Stage;

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

fn main() {
    boxed_allocates_three_blocks_per_record_and_frees_what_the_filter_drops();
    println!("test boxed_allocates_three_blocks_per_record_and_frees_what_the_filter_drops ... ok");
}

fn boxed_allocates_three_blocks_per_record_and_frees_what_the_filter_drops() {
    for records in [50_000, 100_000] {
        profile::<Boxed>(records, |m| {
            // One Box per record, plus its String id and its String unit.
            let ingest = m.phases[Stage::Ingest].allocations;
            dhat::assert!(ingest >= 3 * records, "{ingest} allocations");
            dhat::assert!(
                ingest <= 3 * records + 8 * u64::from(SENSORS),
                "{ingest} allocations"
            );
            // Each record costs at least its box and its pointer in the Vec.
            let per_record = (size_of::<BoxedRecord>() + size_of::<Box<BoxedRecord>>()) as u64;
            dhat::assert!(m.peak_bytes.0 >= per_record * records);
            // The filter frees the boxes (and strings) of the records it drops.
            dhat::assert!(
                m.phases[Stage::Filter].live_bytes_at_end.0
                    < m.phases[Stage::Ingest].live_bytes_at_end.0
            );
            // Small blocks cost the allocator more than they ask for.
            if let Some(reserved) = m.reserved_peak_bytes {
                dhat::assert!(reserved > m.peak_bytes);
            }
        });
    }
}

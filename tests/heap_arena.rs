//! Heap facts of the `arena` layout that must never regress, in dhat testing mode (a file
//! of its own: dhat allows one profiler per process). See `heap_common` for why it has no
//! test harness.

mod heap_common;

use std::mem::size_of;

use heap_common::{profile, SENSORS};
use layoutlab::layouts::arena::ArenaRecord;
use layoutlab::layouts::Arena;
use layoutlab::measure::heap::SwitchAlloc;
use layoutlab::pipeline::Stage;

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

fn main() {
    arena_allocates_per_chunk_and_never_shrinks_after_filtering();
    println!("test arena_allocates_per_chunk_and_never_shrinks_after_filtering ... ok");
}

fn arena_allocates_per_chunk_and_never_shrinks_after_filtering() {
    let small = 50_000;
    let large = 2 * small;
    let mut allocations = Vec::new();
    for records in [small, large] {
        let memory = profile::<Arena>(records, |m| {
            // Records and ids are bump-allocated into chunks that double in size: the
            // allocation count grows with the logarithm of the bytes, not with the records.
            let ingest = m.phases[Stage::Ingest].allocations;
            dhat::assert!(ingest < 8 * u64::from(SENSORS), "{ingest} allocations");
            let per_record = (size_of::<ArenaRecord>() + size_of::<usize>()) as u64;
            dhat::assert!(m.peak_bytes.0 >= per_record * records);
            // The filter drops records from the pointer Vec, but a bump arena cannot free
            // one block: the live heap stays exactly what ingest left.
            dhat::assert_eq!(
                m.phases[Stage::Filter].live_bytes_at_end.0,
                m.phases[Stage::Ingest].live_bytes_at_end.0
            );
        });
        allocations.push(memory.allocations);
    }
    // Doubling the records adds about one chunk, not another 50 000 allocations.
    assert!(
        allocations[1] - allocations[0] <= 3,
        "allocations went from {} to {} when the records doubled",
        allocations[0],
        allocations[1]
    );
}

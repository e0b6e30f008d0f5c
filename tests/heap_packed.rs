//! Heap facts of the `packed` layout that must never regress, in dhat testing mode (a file
//! of its own: dhat allows one profiler per process). See `heap_common` for why it has no
//! test harness.

mod heap_common;

use heap_common::{profile, SENSORS};
use layoutlab::layouts::Packed;
use layoutlab::measure::heap::SwitchAlloc;
use layoutlab::pipeline::Stage;
use layoutlab::record::INFORMATION_BYTES;

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

fn main() {
    packed_is_35_bytes_a_record_in_a_handful_of_allocations();
    println!("test packed_is_35_bytes_a_record_in_a_handful_of_allocations ... ok");
}

fn packed_is_35_bytes_a_record_in_a_handful_of_allocations() {
    let small = 50_000;
    let large = 2 * small;
    let mut ingest_allocations = Vec::new();
    for records in [small, large] {
        let memory = profile::<Packed>(records, |m| {
            // The generator reports the expected count, so the record Vec is reserved once
            // at its final size: the peak is the 35-byte floor plus the intern table and
            // the rolling stage's ring buffers.
            let floor = INFORMATION_BYTES as u64 * records;
            dhat::assert!(m.peak_bytes.0 >= floor, "{} < {floor}", m.peak_bytes.0);
            dhat::assert!(
                m.peak_bytes.0 as f64 <= 1.10 * floor as f64,
                "{} B is more than 10 % above 35 B x {records}",
                m.peak_bytes.0
            );
            // Ingest allocates for the sensors (ids, intern table) and once for the records.
            dhat::assert!(
                m.phases[Stage::Ingest].allocations < 8 * u64::from(SENSORS),
                "{} allocations",
                m.phases[Stage::Ingest].allocations
            );
            // Rolling allocates ring buffers per sensor, nothing per record.
            dhat::assert!(m.phases[Stage::Rolling].allocations < 8 * u64::from(SENSORS));
            // Filter compacts in place: nothing is freed, the Vec keeps its capacity.
            dhat::assert_eq!(
                m.phases[Stage::Filter].live_bytes_at_end.0,
                m.phases[Stage::Ingest].live_bytes_at_end.0
            );
        });
        ingest_allocations.push(memory.phases[Stage::Ingest].allocations);
    }
    assert_eq!(
        ingest_allocations[0], ingest_allocations[1],
        "packed's ingest allocations must not depend on the record count"
    );
}

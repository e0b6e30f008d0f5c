//! Heap facts of the `soa` layout that must never regress, in dhat testing mode (a file
//! of its own: dhat allows one profiler per process). See `heap_common` for why it has no
//! test harness.

mod heap_common;

use heap_common::{profile, SENSORS};
use layoutlab::layouts::Soa;
use layoutlab::measure::heap::SwitchAlloc;
use layoutlab::record::INFORMATION_BYTES;

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

fn main() {
    soa_is_35_bytes_a_record_in_a_handful_of_allocations();
    println!("test soa_is_35_bytes_a_record_in_a_handful_of_allocations ... ok");
}

fn soa_is_35_bytes_a_record_in_a_handful_of_allocations() {
    let small = 50_000;
    let large = 2 * small;
    let mut ingest_allocations = Vec::new();
    for records in [small, large] {
        let memory = profile::<Soa>(records, |m| {
            // The generator reports the expected count, so each of the six column Vecs is
            // reserved once at its final size: the peak is the 35-byte floor plus the intern
            // table and the rolling stage's ring buffers.
            let floor = INFORMATION_BYTES as u64 * records;
            dhat::assert!(m.peak_bytes >= floor, "{} < {floor}", m.peak_bytes);
            dhat::assert!(
                m.peak_bytes as f64 <= 1.10 * floor as f64,
                "{} B is more than 10 % above 35 B x {records}",
                m.peak_bytes
            );
            // Ingest allocates for the sensors (ids, intern table) and once per column.
            dhat::assert!(
                m.phases.ingest.allocations < 8 * u64::from(SENSORS),
                "{} allocations",
                m.phases.ingest.allocations
            );
            // Rolling allocates ring buffers per sensor, nothing per record.
            dhat::assert!(m.phases.rolling.allocations < 8 * u64::from(SENSORS));
            // Filter compacts in place: nothing is freed, the columns keep their capacity.
            dhat::assert_eq!(
                m.phases.filter.live_bytes_at_end,
                m.phases.ingest.live_bytes_at_end
            );
        });
        ingest_allocations.push(memory.phases.ingest.allocations);
    }
    assert_eq!(
        ingest_allocations[0], ingest_allocations[1],
        "soa's ingest allocations must not depend on the record count"
    );
}

//! Heap facts of the `hot_cold` layout that must never regress, in dhat testing mode (a
//! file of its own: dhat allows one profiler per process). See `heap_common` for why it has
//! no test harness.

mod heap_common;

use heap_common::pin_35_bytes_a_record;
use layoutlab::layouts::HotCold;
use layoutlab::measure::heap::SwitchAlloc;

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

fn main() {
    hot_cold_is_27_hot_and_8_cold_bytes_a_record();
    println!("test hot_cold_is_27_hot_and_8_cold_bytes_a_record ... ok");
}

fn hot_cold_is_27_hot_and_8_cold_bytes_a_record() {
    // Two Vecs (27-byte hot records, 8-byte timestamps), each reserved once: the split
    // costs no byte over `packed`'s 35.
    pin_35_bytes_a_record::<HotCold>(|m, records| {
        dhat::assert!(m.peak_bytes.0 >= (27 + 8) * records);
    });
}

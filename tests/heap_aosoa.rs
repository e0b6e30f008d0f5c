//! Heap facts of the `aosoa` layout that must never regress, in dhat testing mode (a file
//! of its own: dhat allows one profiler per process). See `heap_common` for why it has no
//! test harness.

mod heap_common;

use heap_common::pin_35_bytes_a_record;
use layoutlab::layouts::aosoa::{Block, LANES};
use layoutlab::layouts::Aosoa;
use layoutlab::measure::heap::SwitchAlloc;

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

fn main() {
    aosoa_is_35_bytes_a_record_in_one_block_vec();
    println!("test aosoa_is_35_bytes_a_record_in_one_block_vec ... ok");
}

fn aosoa_is_35_bytes_a_record_in_one_block_vec() {
    // The blocks are one Vec reserved once for all records (the last block's unused lanes
    // are at most LANES - 1 records' worth), so the peak is 35 bytes a record plus the
    // intern table and the rolling stage's rings.
    pin_35_bytes_a_record::<Aosoa>(|m, records| {
        let blocks = records.div_ceil(LANES as u64) * std::mem::size_of::<Block>() as u64;
        dhat::assert!(m.peak_bytes.0 >= blocks);
    });
}

//! `SwitchAlloc` in count-only mode (heap figures without dhat, for sweeps): every allocator
//! path — blocks from before the switch freed and grown after it, zeroed and over-aligned
//! blocks, `realloc` — goes to the system allocator with the counters balanced. CI runs this
//! file under valgrind memcheck (`scripts/valgrind-unsafe.sh`).
//!
//! No test harness (`harness = false`): the counters see every thread's allocations.

use std::mem::size_of;

use layoutlab::measure::heap::{Counting, SwitchAlloc};

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

#[repr(align(4096))]
struct PageAligned([u8; 4096]);

fn main() {
    let mut before: Vec<String> = (0..50).map(|i| "x".repeat(i * 5 + 1)).collect();
    SwitchAlloc::count_only();
    assert!(SwitchAlloc::is_tracking() && SwitchAlloc::is_counting_only());
    before.truncate(10);
    before[0].push_str(&"y".repeat(500));

    let counting = Counting::start().expect("counting");
    let mut grown: Vec<u64> = Vec::new();
    for i in 0..5_000 {
        grown.push(i);
    }
    let zeroed = vec![0u64; 300];
    let aligned = Box::new(PageAligned([3; 4096]));
    assert_eq!(aligned.0[4095], 3);
    let live = counting.counts();
    let expected = (grown.capacity() * size_of::<u64>()
        + zeroed.capacity() * size_of::<u64>()
        + size_of::<PageAligned>()) as i64;
    assert_eq!(live.requested_live, expected);
    assert!(live.reserved_live >= live.requested_live);
    assert!(live.blocks >= 3);
    drop((grown, zeroed, aligned, before));
    let end = counting.counts();
    assert!(end.requested_live <= 0, "{end:?}");
    println!("test count_only_mode_balances_every_path ... ok");
}

//! `SwitchAlloc` (the binary's global allocator) is `unsafe` code: it hands blocks between
//! the system allocator and dhat, and asks malloc for block sizes. This test walks every
//! path — blocks allocated before the switch and freed after, growth by `realloc`,
//! over-aligned blocks, dhat's own allocations re-entering it — and checks that the
//! counters balance. CI runs this file under valgrind memcheck
//! (`scripts/valgrind-unsafe.sh`), which would flag any invalid read, write or free.
//!
//! The counters see every thread's allocations, and libtest's own threads allocate while a
//! test runs, so this file has no harness (`harness = false` in `Cargo.toml`): `main` is the
//! test and the only thread.

use std::mem::size_of;

use layoutlab::measure::heap::{reserved_is_known, Counting, SwitchAlloc};

#[global_allocator]
static ALLOC: SwitchAlloc = SwitchAlloc;

#[repr(align(4096))]
struct PageAligned([u8; 4096]);

fn main() {
    blocks_cross_the_switch_and_the_counters_balance();
    println!("test blocks_cross_the_switch_and_the_counters_balance ... ok");
}

fn blocks_cross_the_switch_and_the_counters_balance() {
    // Before the switch: the system allocator, and counting refuses to start.
    assert!(!SwitchAlloc::is_tracking());
    assert!(Counting::start().is_err());
    let mut before: Vec<String> = (0..100).map(|i| "x".repeat(i * 7 + 1)).collect();

    SwitchAlloc::track();
    // Blocks from before the switch are freed and grown through dhat's route.
    before.truncate(50);
    before[0].push_str(&"y".repeat(1000));

    // dhat's bookkeeping allocates through this allocator while a profiler runs.
    let profiler = dhat::Profiler::builder().testing().build();
    let counting = Counting::start().expect("tracking is on");
    assert!(matches!(
        Counting::start(),
        Err(layoutlab::measure::heap::CountingError::AlreadyCounting)
    ));

    let mut grown: Vec<u64> = Vec::new();
    for i in 0..10_000 {
        grown.push(i);
    }
    let aligned = Box::new(PageAligned([7; 4096]));
    let mut text = String::with_capacity(3);
    text.push_str("a fairly long string that forces a realloc");
    text.shrink_to_fit();

    let live = counting.counts();
    let expected =
        (grown.capacity() * size_of::<u64>() + size_of::<PageAligned>() + text.len()) as i64;
    assert_eq!(live.requested_live, expected);
    assert!(live.requested_peak >= live.requested_live);
    assert!(live.blocks >= 3, "{live:?}");
    let stats = dhat::HeapStats::get();
    dhat::assert_eq!(stats.curr_bytes as i64, live.requested_live);
    dhat::assert_eq!(stats.total_blocks, live.blocks);
    if reserved_is_known() {
        assert!(live.reserved_live >= live.requested_live, "{live:?}");
    }

    counting.start_phase();
    assert_eq!(counting.counts().requested_phase_peak, live.requested_live);
    assert_eq!(aligned.0[4095], 7);
    drop((grown, aligned, text));
    let after = counting.counts();
    assert_eq!(after.requested_live, 0, "{after:?}");
    assert_eq!(after.reserved_live, 0, "{after:?}");
    assert_eq!(after.requested_phase_peak, live.requested_live);
    drop(counting);
    drop(profiler);

    // After the profiler, blocks still move freely.
    before.clear();
    before.shrink_to_fit();
    assert!(Counting::start().is_ok());
}

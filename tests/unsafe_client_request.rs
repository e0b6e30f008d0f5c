//! The valgrind client requests (`measure::costs::client_request`, inline assembly) must do
//! nothing on a real CPU but return their default, and must reach valgrind under it. CI
//! runs this file natively (`cargo test`) and under valgrind memcheck
//! (`scripts/valgrind-unsafe.sh`); each test checks whichever case it is in, told apart by
//! valgrind's preload library in `LD_PRELOAD`, which valgrind sets for every program it runs.

use std::hint::black_box;

use layoutlab::measure::costs::client_request::{
    dump_stats_at, running_on_valgrind, start_instrumentation, stop_instrumentation, zero_stats,
    SUPPORTED,
};

/// Whether this process runs under valgrind, as its environment tells.
fn under_valgrind() -> bool {
    std::env::var("LD_PRELOAD").is_ok_and(|preload| preload.contains("vgpreload"))
}

#[test]
fn running_on_valgrind_tells_the_truth() {
    let level = running_on_valgrind();
    if SUPPORTED && under_valgrind() {
        assert!(
            level >= 1,
            "under valgrind, but the request answered {level}"
        );
        println!("under valgrind: RUNNING_ON_VALGRIND = {level}");
    } else {
        assert_eq!(level, 0, "on a real CPU the request returns its default, 0");
        println!("on a real CPU: RUNNING_ON_VALGRIND = 0");
    }
}

#[test]
fn callgrind_requests_leave_the_program_as_it_was() {
    // Values live in registers and memory across every request; none may change (the
    // sequence rotates `rdi` a full turn twice and swaps `rbx` with itself). Under memcheck,
    // callgrind's requests are unknown to the tool and must be ignored just as harmlessly.
    let mut values: Vec<u64> = (0..64).map(|i| i * 0x9e37_79b9).collect();
    let mut acc = black_box(0x1234_5678_u64);
    start_instrumentation();
    for (i, v) in values.iter_mut().enumerate() {
        zero_stats();
        *v = v.rotate_left(i as u32) ^ acc;
        acc = acc.wrapping_mul(31).wrapping_add(*v);
        if i % 16 == 0 {
            dump_stats_at(c"layoutlab:test");
        }
    }
    stop_instrumentation();
    let mut expected: Vec<u64> = (0..64).map(|i| i * 0x9e37_79b9).collect();
    let mut expected_acc = 0x1234_5678_u64;
    for (i, v) in expected.iter_mut().enumerate() {
        *v = v.rotate_left(i as u32) ^ expected_acc;
        expected_acc = expected_acc.wrapping_mul(31).wrapping_add(*v);
    }
    assert_eq!(values, expected);
    assert_eq!(acc, expected_acc);
    // A second question gets the same answer.
    assert_eq!(running_on_valgrind(), running_on_valgrind());
}

//! The `layoutlab` binary: decide the allocator, then run the command line.
//!
//! It is also its own heap-profiling child (`layoutlab profile-heap`, hidden): `cargo run`
//! builds only this binary, so the child cannot be a second one. Which allocator the
//! process uses is decided here, first thing, before anything is measured.

use std::process::ExitCode;

/// The system allocator in a timing process; dhat plus counters in a profiling child.
/// (`--cfg layoutlab_system_alloc` installs none, to measure what the switch costs:
/// `scripts/allocator-switch-cost.sh`.)
#[cfg(not(layoutlab_system_alloc))]
#[global_allocator]
static ALLOC: layoutlab::measure::heap::SwitchAlloc = layoutlab::measure::heap::SwitchAlloc;

fn main() -> ExitCode {
    #[cfg(not(layoutlab_system_alloc))]
    if std::env::args_os()
        .nth(1)
        .is_some_and(|arg| arg == layoutlab::HEAP_CHILD_COMMAND)
    {
        use layoutlab::measure::heap::SwitchAlloc;
        if std::env::args_os().any(|arg| arg == "--count-only") {
            SwitchAlloc::count_only();
        } else {
            SwitchAlloc::track();
        }
    }
    layoutlab::run_cli()
}

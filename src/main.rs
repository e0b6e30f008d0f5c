//! The `layoutlab` binary: parse, run, and turn errors into one line and an exit status.
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
        .is_some_and(|arg| arg == layoutlab::measure::heap::spawn::CHILD_COMMAND)
    {
        layoutlab::measure::heap::SwitchAlloc::track();
    }
    match layoutlab::cli::main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let broken_pipe = error.chain().any(|cause| {
                let kind = match (
                    cause.downcast_ref::<std::io::Error>(),
                    cause.downcast_ref::<serde_json::Error>(),
                ) {
                    (Some(io), _) => Some(io.kind()),
                    (None, Some(json)) => json.io_error_kind(),
                    (None, None) => None,
                };
                kind == Some(std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                // The reader went away (`layoutlab generate | head`): not an error.
                return ExitCode::SUCCESS;
            }
            eprintln!("layoutlab: error: {error:#}");
            ExitCode::from(layoutlab::error::exit_code(&error))
        }
    }
}

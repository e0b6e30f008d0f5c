//! Reading the counters of [`super::SwitchAlloc`]: a [`Counting`] guard zeroes and starts
//! them, and [`Counts`] is what they hold at one moment.

use std::sync::atomic::Ordering::Relaxed;

use super::alloc::{
    SwitchAlloc, BLOCKS, BYTES, COUNTING, GUARD_TAKEN, LIVE_BLOCKS, PEAK_BLOCKS, REQUESTED,
    RESERVED,
};

/// What the counters hold at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Bytes live now, as requested, in blocks allocated since counting started.
    pub requested_live: i64,
    /// The most requested bytes live at once since counting started.
    pub requested_peak: i64,
    /// The most requested bytes live at once since the phase started.
    pub requested_phase_peak: i64,
    /// Bytes live now, as the allocator reserved them (`malloc_usable_size`).
    pub reserved_live: i64,
    /// The most reserved bytes live at once since counting started.
    pub reserved_peak: i64,
    /// The most reserved bytes live at once since the phase started.
    pub reserved_phase_peak: i64,
    /// Allocations since counting started (`alloc` and `realloc` calls, as dhat counts).
    pub blocks: u64,
    /// Bytes allocated since counting started (a `realloc` counts its whole new size).
    pub bytes: u64,
    /// Blocks live now, allocated since counting started.
    pub live_blocks: i64,
    /// Blocks live when the requested bytes last reached [`Counts::requested_peak`] (dhat's
    /// `max_blocks`).
    pub peak_blocks: i64,
}

/// Why counting could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CountingError {
    /// [`SwitchAlloc::track`] was not called in this process.
    #[error(
        "this process's allocator is not tracking (heap profiling runs as `layoutlab \
         profile-heap`, whose allocator switch is set at startup)"
    )]
    NotTracking,
    /// Another [`Counting`] guard is alive.
    #[error("heap counting is already running in this process")]
    AlreadyCounting,
    /// An allocation did not reach the counters: [`SwitchAlloc`] is not the global allocator.
    #[error(
        "heap profiling needs layoutlab's allocator, and this program's global allocator is \
         another: add `layoutlab::global_allocator!();` at the top of the bench file"
    )]
    NotInstalled,
}

/// While alive, the counters of [`SwitchAlloc`] run; they start from zero.
///
/// Only one guard exists at a time. Counting sees every thread's allocations, so measure
/// one thing at a time.
#[derive(Debug)]
pub struct Counting {
    _private: (),
}

impl Counting {
    /// Zeroes the counters and starts them.
    ///
    /// Fails if [`SwitchAlloc::track`] was not called or another guard is alive. (Whether
    /// [`SwitchAlloc`] really is the global allocator shows when the counts are compared
    /// with dhat's: see [`super::measure`].)
    pub fn start() -> Result<Counting, CountingError> {
        if !SwitchAlloc::is_tracking() {
            return Err(CountingError::NotTracking);
        }
        if GUARD_TAKEN.swap(true, Relaxed) {
            return Err(CountingError::AlreadyCounting);
        }
        REQUESTED.reset();
        RESERVED.reset();
        BLOCKS.store(0, Relaxed);
        BYTES.store(0, Relaxed);
        LIVE_BLOCKS.store(0, Relaxed);
        PEAK_BLOCKS.store(0, Relaxed);
        COUNTING.store(true, Relaxed);
        Ok(Counting { _private: () })
    }

    /// Restarts the per-phase peaks at the bytes live now.
    pub fn start_phase(&self) {
        REQUESTED.restart_phase();
        RESERVED.restart_phase();
    }

    /// The counters now.
    pub fn counts(&self) -> Counts {
        Counts {
            requested_live: REQUESTED.live.load(Relaxed),
            requested_peak: REQUESTED.peak.load(Relaxed),
            requested_phase_peak: REQUESTED.phase_peak.load(Relaxed),
            reserved_live: RESERVED.live.load(Relaxed),
            reserved_peak: RESERVED.peak.load(Relaxed),
            reserved_phase_peak: RESERVED.phase_peak.load(Relaxed),
            blocks: BLOCKS.load(Relaxed),
            bytes: BYTES.load(Relaxed),
            live_blocks: LIVE_BLOCKS.load(Relaxed),
            peak_blocks: PEAK_BLOCKS.load(Relaxed),
        }
    }
}

impl Drop for Counting {
    fn drop(&mut self) {
        COUNTING.store(false, Relaxed);
        GUARD_TAKEN.store(false, Relaxed);
    }
}

//! The `layoutlab` binary's global allocator: the system allocator, or dhat plus byte
//! counters, chosen once at startup.
//!
//! `cargo run` builds only the binary it runs, so a second, dhat-only binary would be
//! missing on a clean checkout. Instead `layoutlab` re-executes itself as its own heap
//! profiling child, and this allocator is a switch: it starts on the system allocator and
//! is flipped to tracking, once and for good, at the top of `main` when the process is that
//! child. A timing process never flips it, and pays one relaxed load and a predictable
//! branch per allocation (measured: nothing that shows; see the README's memory section
//! and `scripts/allocator-switch-cost.sh`).
//!
//! While tracking, every allocation goes through [`dhat::Alloc`], which keeps the
//! profile, and — while a `Counting` guard (`counting.rs`) is alive — through counters:
//! dhat's own figures (allocations, bytes allocated, live bytes and blocks, the peak and
//! the blocks live at it, kept by dhat's rules), and what dhat does not have: live bytes
//! as the allocator really reserved them (`malloc_usable_size`), and peaks that restart
//! per pipeline phase. In count-only mode dhat is left out and the counters alone give the same
//! figures, checked against dhat's by the heap measurement whenever dhat runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};

/// Whether allocations go through dhat (set once, at startup, in a profiling child).
static TRACKING: AtomicBool = AtomicBool::new(false);
/// Whether tracking leaves dhat out: the counters only (see [`SwitchAlloc::count_only`]).
static COUNT_ONLY: AtomicBool = AtomicBool::new(false);
/// Whether a `Counting` guard is alive.
pub(super) static COUNTING: AtomicBool = AtomicBool::new(false);
/// Whether a `Counting` guard exists (only one may).
pub(super) static GUARD_TAKEN: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Set while this thread is inside dhat's allocator. dhat's own bookkeeping (its
    /// backtraces and tables) allocates through the global allocator too, so it comes back
    /// here; it is not the program's memory, and dhat does not count it either.
    static INSIDE_DHAT: Cell<bool> = const { Cell::new(false) };
}

/// Live and peak bytes of one kind (requested or reserved), with a peak that restarts per
/// phase. Live is signed so that a block allocated before counting started and freed after
/// cannot wrap it; the measurement is arranged so that this does not happen, and
/// [`super::measure`] refuses requested figures that differ from dhat's.
pub(super) struct Level {
    pub(super) live: AtomicI64,
    pub(super) peak: AtomicI64,
    pub(super) phase_peak: AtomicI64,
}

impl Level {
    const fn new() -> Self {
        Level {
            live: AtomicI64::new(0),
            peak: AtomicI64::new(0),
            phase_peak: AtomicI64::new(0),
        }
    }

    #[inline]
    fn add(&self, delta: i64) {
        let live = self.live.fetch_add(delta, Relaxed) + delta;
        if delta > 0 {
            self.peak.fetch_max(live, Relaxed);
            self.phase_peak.fetch_max(live, Relaxed);
        }
    }

    /// [`Level::add`] for an allocation (an `alloc` or a `realloc`, whichever way it
    /// resizes): whether the live bytes are now at their peak or at an equal one, which is
    /// when dhat takes the live blocks as those at the peak (its `>=`: the latest of equal
    /// peaks).
    #[inline]
    fn add_allocated(&self, delta: i64) -> bool {
        let live = self.live.fetch_add(delta, Relaxed) + delta;
        self.phase_peak.fetch_max(live, Relaxed);
        live >= self.peak.fetch_max(live, Relaxed)
    }

    pub(super) fn reset(&self) {
        self.live.store(0, Relaxed);
        self.peak.store(0, Relaxed);
        self.phase_peak.store(0, Relaxed);
    }

    pub(super) fn restart_phase(&self) {
        self.phase_peak.store(self.live.load(Relaxed), Relaxed);
    }
}

pub(super) static REQUESTED: Level = Level::new();
pub(super) static RESERVED: Level = Level::new();
/// Allocations, counting every `alloc` and every `realloc` as dhat does.
pub(super) static BLOCKS: AtomicU64 = AtomicU64::new(0);
/// Bytes allocated, counting a `realloc` as its whole new size as dhat does.
pub(super) static BYTES: AtomicU64 = AtomicU64::new(0);
/// Blocks live now (an `alloc` adds one, a `dealloc` takes one, a `realloc` neither).
pub(super) static LIVE_BLOCKS: AtomicI64 = AtomicI64::new(0);
/// Blocks live when the requested bytes last reached their peak (dhat's `max_blocks`).
pub(super) static PEAK_BLOCKS: AtomicI64 = AtomicI64::new(0);

/// After an allocation that changed the requested live bytes by `delta`: the requested
/// level, and the blocks at its peak when it is at one.
#[inline]
fn requested_allocated(delta: i64) {
    if REQUESTED.add_allocated(delta) {
        PEAK_BLOCKS.store(LIVE_BLOCKS.load(Relaxed), Relaxed);
    }
}

/// The bytes the allocator really set aside for the block at `ptr` (0 where the platform
/// cannot tell; [`reserved_is_known`] says which).
#[inline]
fn usable_size(ptr: *mut u8) -> i64 {
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    {
        // SAFETY: `ptr` is a live block returned by the system allocator (through dhat, which
        // allocates with `System`), which on Linux is malloc, so malloc may be asked its size.
        i64::try_from(unsafe { libc::malloc_usable_size(ptr.cast()) }).unwrap_or(i64::MAX)
    }
    #[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
    {
        let _ = ptr;
        0
    }
}

/// Whether this platform reports reserved bytes (`malloc_usable_size`: Linux, glibc or musl).
pub const fn reserved_is_known() -> bool {
    cfg!(all(
        target_os = "linux",
        any(target_env = "gnu", target_env = "musl")
    ))
}

fn size_i64(size: usize) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}

/// The global allocator of the `layoutlab` binary and of the heap tests.
///
/// Until [`SwitchAlloc::track`] is called it is the system allocator. After, every
/// allocation goes through [`dhat::Alloc`] (so a running [`dhat::Profiler`] sees it), and
/// through the counters read by `Counting`.
///
/// # Examples
///
/// ```no_run
/// use layoutlab::measure::heap::SwitchAlloc;
///
/// #[global_allocator]
/// static ALLOC: SwitchAlloc = SwitchAlloc;
///
/// fn main() {
///     // Decide before anything is measured; a timing process never calls this.
///     SwitchAlloc::track();
///     let _profiler = dhat::Profiler::builder().testing().build();
///     let v = vec![1u8; 100];
///     assert_eq!(dhat::HeapStats::get().curr_bytes, 100);
///     drop(v);
/// }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SwitchAlloc;

impl SwitchAlloc {
    /// Routes every allocation from now on through dhat and the counters. Blocks allocated
    /// before stay valid (dhat and the system allocator share the same heap). There is no
    /// way back: a process either times or profiles.
    pub fn track() {
        TRACKING.store(true, Relaxed);
    }

    /// Routes every allocation from now on through the counters only, not dhat: the same
    /// requested and reserved bytes and allocation counts, without dhat's cost of a stack
    /// walk per allocation and without a profile (for heap figures at many sizes, where the
    /// workload's size makes dhat too slow). One way too.
    pub fn count_only() {
        COUNT_ONLY.store(true, Relaxed);
        TRACKING.store(true, Relaxed);
    }

    /// Whether [`SwitchAlloc::track`] or [`SwitchAlloc::count_only`] has been called.
    pub fn is_tracking() -> bool {
        TRACKING.load(Relaxed)
    }

    /// Whether [`SwitchAlloc::count_only`] has been called.
    pub fn is_counting_only() -> bool {
        COUNT_ONLY.load(Relaxed)
    }
}

/// Runs `f` inside dhat, marking the thread so that dhat's own allocations pass straight
/// to the system allocator, uncounted. Returns `None` when already inside (a nested call).
#[inline]
fn through_dhat<T>(f: impl FnOnce(&dhat::Alloc) -> T) -> Option<T> {
    if INSIDE_DHAT.with(|inside| inside.replace(true)) {
        return None;
    }
    let out = f(&dhat::Alloc);
    INSIDE_DHAT.with(|inside| inside.set(false));
    Some(out)
}

// SAFETY: every method forwards to `System` or to `dhat::Alloc` (itself a wrapper of
// `System`) with the caller's arguments unchanged, so the `GlobalAlloc` contract is theirs.
// Blocks move freely between the two routes because both end in the same `System` calls.
// The counters only read the returned pointers' sizes; they never touch the memory.
//
// The untracked path is all a timing process runs: one load of `TRACKING`, a branch, and
// exactly what `System` does (including `calloc` for zeroed blocks). The tracked path is
// out of line (`tracked::*`, `#[cold]`), so the untracked one needs no stack frame.
unsafe impl GlobalAlloc for SwitchAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if TRACKING.load(Relaxed) {
            // SAFETY: the caller's contract for `alloc`, passed on unchanged.
            return unsafe { tracked::alloc(layout, false) };
        }
        // SAFETY: as above.
        unsafe { System.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if TRACKING.load(Relaxed) {
            // SAFETY: the caller's contract for `alloc_zeroed`, passed on unchanged.
            return unsafe { tracked::alloc(layout, true) };
        }
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if TRACKING.load(Relaxed) {
            // SAFETY: the caller's contract for `dealloc`, passed on unchanged.
            return unsafe { tracked::dealloc(ptr, layout) };
        }
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if TRACKING.load(Relaxed) {
            // SAFETY: the caller's contract for `realloc`, passed on unchanged.
            return unsafe { tracked::realloc(ptr, layout, new_size) };
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// The tracking route: dhat, then the counters. Each function has the contract of the
/// `GlobalAlloc` method of the same name.
mod tracked {
    use super::*;

    /// # Safety
    ///
    /// As [`GlobalAlloc::alloc`] (or [`GlobalAlloc::alloc_zeroed`] when `zeroed`).
    #[cold]
    #[inline(never)]
    pub(super) unsafe fn alloc(layout: Layout, zeroed: bool) -> *mut u8 {
        let system = || {
            // SAFETY: the caller's contract, passed on unchanged.
            unsafe {
                if zeroed {
                    System.alloc_zeroed(layout)
                } else {
                    System.alloc(layout)
                }
            }
        };
        let ptr = if COUNT_ONLY.load(Relaxed) {
            system()
        } else {
            let tracked = through_dhat(|dhat| {
                // SAFETY: the caller's contract, passed on unchanged.
                unsafe {
                    if zeroed {
                        dhat.alloc_zeroed(layout)
                    } else {
                        dhat.alloc(layout)
                    }
                }
            });
            match tracked {
                Some(ptr) => ptr,
                // dhat's own allocation, which dhat would send to `System` too: not counted.
                None => return system(),
            }
        };
        if !ptr.is_null() && COUNTING.load(Relaxed) {
            count_alloc(ptr, layout.size());
        }
        ptr
    }

    /// Counts a new block of `size` requested bytes at `ptr`.
    fn count_alloc(ptr: *mut u8, size: usize) {
        BLOCKS.fetch_add(1, Relaxed);
        BYTES.fetch_add(size as u64, Relaxed);
        LIVE_BLOCKS.fetch_add(1, Relaxed);
        requested_allocated(size_i64(size));
        RESERVED.add(usable_size(ptr));
    }

    /// Counts the end of a block of `size` requested bytes at `ptr`.
    fn count_dealloc(ptr: *mut u8, size: usize) {
        LIVE_BLOCKS.fetch_sub(1, Relaxed);
        REQUESTED.add(-size_i64(size));
        RESERVED.add(-usable_size(ptr));
    }

    /// # Safety
    ///
    /// As [`GlobalAlloc::dealloc`].
    #[cold]
    #[inline(never)]
    pub(super) unsafe fn dealloc(ptr: *mut u8, layout: Layout) {
        if COUNT_ONLY.load(Relaxed) {
            if COUNTING.load(Relaxed) {
                count_dealloc(ptr, layout.size());
            }
            // SAFETY: the caller's contract, passed on unchanged.
            return unsafe { System.dealloc(ptr, layout) };
        }
        if INSIDE_DHAT.with(Cell::get) {
            // SAFETY: the caller's contract; a block of dhat's own, from `System`.
            return unsafe { System.dealloc(ptr, layout) };
        }
        if COUNTING.load(Relaxed) {
            count_dealloc(ptr, layout.size());
        }
        // SAFETY: the caller's contract, passed on unchanged.
        through_dhat(|dhat| unsafe { dhat.dealloc(ptr, layout) });
    }

    /// # Safety
    ///
    /// As [`GlobalAlloc::realloc`].
    #[cold]
    #[inline(never)]
    pub(super) unsafe fn realloc(ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if INSIDE_DHAT.with(Cell::get) {
            // SAFETY: the caller's contract; a block of dhat's own, from `System`.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        let counting = COUNTING.load(Relaxed);
        let old_reserved = if counting { usable_size(ptr) } else { 0 };
        let new_ptr = if COUNT_ONLY.load(Relaxed) {
            // SAFETY: the caller's contract, passed on unchanged.
            unsafe { System.realloc(ptr, layout, new_size) }
        } else {
            // SAFETY: the caller's contract, passed on unchanged.
            through_dhat(|dhat| unsafe { dhat.realloc(ptr, layout, new_size) })
                .unwrap_or(std::ptr::null_mut())
        };
        if !new_ptr.is_null() && counting {
            BLOCKS.fetch_add(1, Relaxed);
            BYTES.fetch_add(new_size as u64, Relaxed);
            requested_allocated(size_i64(new_size) - size_i64(layout.size()));
            RESERVED.add(usable_size(new_ptr) - old_reserved);
        }
        new_ptr
    }
}

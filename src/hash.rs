//! Hash maps with fixed seeds, so that valgrind's counts repeat exactly from run to run.
//!
//! std's `RandomState` seeds SipHash-1-3 from the operating system once per process (and
//! bumps the seed for every new map). The seed decides where keys land in a hash table and
//! so how often a lookup probes a second slot: the same command executes a few hundred
//! instructions more or fewer each time, and the deterministic costs of SPEC §7 would not be
//! deterministic. [`FixedState`] is the same hasher (SipHash-1-3), the same size (two 64-bit
//! keys, so a map handle stays 48 bytes) and the same per-map bump of the seed, from a fixed
//! starting seed. Every hash map in layoutlab uses it.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::BuildHasher;

use siphasher::sip::SipHasher13;

/// The first key of SipHash, and the second (digits of π, as any fixed pair would do).
const FIRST_K0: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0x1319_8a2e_0370_7344;

thread_local! {
    /// The `k0` the next [`FixedState`] on this thread gets (std's `RandomState` bumps its
    /// per-thread seed the same way, so no two maps share a seed).
    static NEXT_K0: Cell<u64> = const { Cell::new(FIRST_K0) };
}

/// A [`BuildHasher`] for SipHash-1-3 with deterministic keys: std's `RandomState` without
/// the randomness.
///
/// # Examples
///
/// ```
/// use std::hash::BuildHasher;
/// use layoutlab::hash::{FixedMap, FixedState};
///
/// let mut map: FixedMap<&str, u32> = FixedMap::default();
/// map.insert("a", 1);
/// assert_eq!(map["a"], 1);
/// // The same key hashes the same way in every process run.
/// let h = |s: &FixedState| s.hash_one("x");
/// assert_eq!(h(&FixedState::with_keys(1, 2)), h(&FixedState::with_keys(1, 2)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedState {
    k0: u64,
    k1: u64,
}

impl FixedState {
    /// A state with these keys.
    pub const fn with_keys(k0: u64, k1: u64) -> Self {
        FixedState { k0, k1 }
    }
}

impl Default for FixedState {
    /// The next state of this thread's fixed sequence.
    fn default() -> Self {
        let k0 = NEXT_K0.with(|next| {
            let k0 = next.get();
            next.set(k0.wrapping_add(1));
            k0
        });
        FixedState { k0, k1: K1 }
    }
}

impl BuildHasher for FixedState {
    type Hasher = SipHasher13;

    #[inline]
    fn build_hasher(&self) -> SipHasher13 {
        SipHasher13::new_with_keys(self.k0, self.k1)
    }
}

/// Restarts this thread's sequence of seeds: the maps made from here on get the seeds they
/// would get in a thread that had made none before. A run measured for its counts calls
/// it right before the pipeline, so that the seeds of its maps (and so the probes their
/// lookups take) do not depend on how many maps the code before it happened to make.
pub fn restart_seeds() {
    NEXT_K0.with(|next| next.set(FIRST_K0));
}

/// A `HashMap` hashed with [`FixedState`].
pub type FixedMap<K, V> = HashMap<K, V, FixedState>;

/// A `HashSet` hashed with [`FixedState`].
pub type FixedSet<K> = std::collections::HashSet<K, FixedState>;

// A map handle must cost what std's does, or `heap_map`'s figures would move.
const _: () = assert!(
    std::mem::size_of::<FixedMap<String, u64>>() == std::mem::size_of::<HashMap<String, u64>>()
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarted_seeds_are_a_fresh_threads() {
        let fresh = std::thread::spawn(|| (FixedState::default(), FixedState::default()))
            .join()
            .unwrap();
        let _earlier: Vec<FixedState> = (0..5).map(|_| FixedState::default()).collect();
        restart_seeds();
        assert_eq!((FixedState::default(), FixedState::default()), fresh);
    }
}

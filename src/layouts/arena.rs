//! `arena` — records and their id strings bump-allocated in one `bumpalo::Bump`.
//!
//! Allocation is a pointer bump into large chunks, and the whole arena is freed at once,
//! which suits short-lived batches. The catch is that nothing is freed early: records the
//! filter drops stay in the arena until it goes. The store is a `Vec` of pointers into the
//! arena, so access still chases a pointer per record (like `boxed`, without the allocator).
//!
//! The arena and the pointers into it live in one struct, which Rust's references cannot
//! express (a self-referential borrow), so the pointers are raw; see the `SAFETY` comments.

use std::ptr::NonNull;

use bumpalo::Bump;

use crate::inspect::TypeInfo;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit};
use crate::type_info;

/// One record inside the arena. Its id text is a separate allocation in the same arena.
#[derive(Debug, Clone, Copy)]
pub struct ArenaRecord {
    sensor_id: NonNull<str>,
    timestamp: f64,
    value: f64,
    unit: Unit,
    normalized: f64,
    rolling_avg: f64,
}

/// Pointers, in store order, to records that live in `bump`.
///
/// Invariant: every pointer in `records` (and every `sensor_id` inside those records) was
/// returned by `self.bump`, which is never reset, so each stays valid for as long as `self`
/// lives. Each record is a distinct allocation, so a `&mut` to one aliases no other.
#[derive(Debug, Default)]
pub struct Arena {
    records: Vec<NonNull<ArenaRecord>>,
    bump: Bump,
}

impl Arena {
    #[inline]
    fn get(&self, ptr: NonNull<ArenaRecord>) -> &ArenaRecord {
        // SAFETY: `ptr` came from `self.records`, so it points to a live, initialised record
        // in `self.bump` (struct invariant); `&self` keeps the arena alive and no `&mut` to the
        // record exists while `&self` is borrowed.
        unsafe { ptr.as_ref() }
    }

    #[inline]
    fn id(record: &ArenaRecord) -> &str {
        // SAFETY: `sensor_id` was returned by `Bump::alloc_str` on the same arena as the
        // record, which outlives the `&ArenaRecord` borrow; the text is never written again.
        unsafe { record.sensor_id.as_ref() }
    }

    /// Bytes the arena has taken from the allocator (its chunks), freed or not.
    pub fn arena_bytes(&self) -> usize {
        self.bump.allocated_bytes()
    }
}

impl Layout for Arena {
    const NAME: &'static str = "arena";
    const HEAP_BYTES_PER_RECORD: usize = 100;
    const SUMMARY: &'static str = "records and their id strings bump-allocated in a bumpalo::Bump";

    fn with_capacity(records: usize) -> Self {
        Arena {
            records: Vec::with_capacity(records),
            bump: Bump::new(),
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        let sensor_id = NonNull::from(self.bump.alloc_str(reading.sensor_id));
        let record = self.bump.alloc(ArenaRecord {
            sensor_id,
            timestamp: reading.timestamp,
            value: reading.value,
            unit: reading.unit,
            normalized: 0.0,
            rolling_avg: 0.0,
        });
        self.records.push(NonNull::from(record));
        Ok(())
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn record(&self, index: usize) -> RecordRef<'_> {
        let r = self.get(self.records[index]);
        RecordRef {
            sensor_id: Self::id(r),
            timestamp: r.timestamp,
            value: r.value,
            unit: r.unit,
            normalized: r.normalized,
            rolling_avg: r.rolling_avg,
        }
    }

    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) {
        // Dropped records stay in the arena: a bump allocator cannot free one block.
        self.records.retain(|&ptr| {
            // SAFETY: `ptr` points to a live record in `self.bump` (struct invariant), which
            // outlives this call; nothing else borrows the record meanwhile.
            let r = unsafe { ptr.as_ref() };
            keep(r.value, r.unit)
        });
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        for ptr in &mut self.records {
            // SAFETY: `ptr` points to a live record in `self.bump` (struct invariant); `&mut self`
            // is exclusive and each record is its own allocation, so this `&mut` is unique.
            let r = unsafe { ptr.as_mut() };
            r.normalized = f(r.value, r.unit);
        }
    }

    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        for ptr in &mut self.records {
            // SAFETY: as in `set_normalized`.
            let r = unsafe { ptr.as_mut() };
            // SAFETY: the id text is a separate arena allocation from the record, so reading
            // it while `r` is borrowed mutably aliases nothing; it lives as long as `self`.
            let id = unsafe { r.sensor_id.as_ref() };
            r.rolling_avg = f(SensorKey::Name(id), r.value);
        }
    }

    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        for &ptr in &self.records {
            let r = self.get(ptr);
            f(
                SensorKey::Name(Self::id(r)),
                Scanned {
                    unit: r.unit,
                    value: r.value,
                    normalized: r.normalized,
                    rolling_avg: r.rolling_avg,
                },
            );
        }
    }

    fn types() -> Vec<TypeInfo> {
        vec![type_info!(ArenaRecord {
            sensor_id,
            timestamp,
            value,
            unit,
            normalized,
            rolling_avg
        })]
    }
}

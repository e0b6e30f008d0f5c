//! `inline` — a `Vec<InlineRecord>` whose id lives inside the record, in a
//! `SmallVec<[u8; 16]>`: no intern table, and no heap block per record for ids up to 16
//! bytes (longer ids, up to the 32 the record rules allow, spill to the heap).
//!
//! It answers: can records stay self-contained — each one carrying its own id text, as
//! `plain` does, so records can be moved, sent or dropped without a table beside them —
//! without paying one heap allocation per record? And where does the padding go?
//!
//! With smallvec's `union` feature the id is 24 bytes, the size of a `String`: a `usize`
//! that holds the length while inline (the capacity once spilled) and 16 bytes that are
//! either the bytes themselves or the heap pointer and length. So the record has the same
//! 64-byte shape as `plain`'s — 57 bytes of fields, 7 bytes of tail padding after the unit,
//! one record per cache line — and the difference between the two layouts is exactly one
//! heap block per record. (Without `union`, smallvec adds an enum tag word and the record
//! grows to 72 bytes.)
//!
//! The id is kept as bytes, so handing it to the pipeline as `&str` would re-check its
//! UTF-8 on every access; [`InlineId`] keeps the bytes UTF-8 by construction instead, as
//! `String` does, with one `unsafe` conversion (see its `SAFETY` comment), which
//! `tests/unsafe_inline.rs` runs under valgrind.

use smallvec::SmallVec;

use crate::inspect::TypeInfo;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit};
use crate::type_info;

/// Id bytes kept inside the record; longer ids spill to one heap block.
pub const INLINE_ID_BYTES: usize = 16;

/// A sensor id as UTF-8 bytes in a `SmallVec<[u8; 16]>`: inline up to
/// [`INLINE_ID_BYTES`] bytes, one heap block beyond.
///
/// Like `String` over `Vec<u8>`, the type keeps the bytes UTF-8 — [`InlineId::new`] is the
/// only way to make one and nothing writes the bytes afterwards — so [`InlineId::as_str`]
/// need not check them again. Checking on every access (`std::str::from_utf8`) measured
/// about 14 ns per record in each of the rolling and aggregate stages, a third of this
/// layout's pipeline time, and that cost belongs to forgetting that the bytes are text,
/// not to keeping ids inline.
///
/// # Examples
///
/// ```
/// use layoutlab::layouts::inline::InlineId;
/// let short = InlineId::new("S000");
/// assert_eq!((short.as_str(), short.spilled()), ("S000", false));
/// let long = InlineId::new(&"x".repeat(32));
/// assert_eq!((long.as_str().len(), long.spilled()), (32, true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineId(SmallVec<[u8; INLINE_ID_BYTES]>);

impl InlineId {
    /// Copies `id`'s bytes: inline if they fit in [`INLINE_ID_BYTES`], else into one heap
    /// block of exactly their length.
    #[inline]
    pub fn new(id: &str) -> Self {
        InlineId(SmallVec::from_slice(id.as_bytes()))
    }

    /// The id text.
    #[inline]
    pub fn as_str(&self) -> &str {
        // Debug builds (every test run) still check what release builds rely on.
        debug_assert!(std::str::from_utf8(&self.0).is_ok(), "{:?}", self.0);
        // SAFETY: the bytes are UTF-8: `new`, the only constructor, copied them from a
        // `&str`, and the field is private to this module, which never writes through it.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }

    /// Whether the bytes spilled to the heap (the id is longer than [`INLINE_ID_BYTES`]).
    #[inline]
    pub fn spilled(&self) -> bool {
        self.0.spilled()
    }
}

/// One self-contained record with natural alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineRecord {
    sensor_id: InlineId,
    timestamp: f64,
    value: f64,
    unit: Unit,
    normalized: f64,
    rolling_avg: f64,
}

// The id costs what a `String` costs, so the record is plain's 64 bytes: 57 bytes of fields
// and 7 of tail padding. Turning off smallvec's `union` feature would break both.
const _: () = assert!(std::mem::size_of::<InlineId>() == std::mem::size_of::<String>());
const _: () = assert!(std::mem::size_of::<InlineRecord>() == 64);
const _: () = assert!(std::mem::align_of::<InlineRecord>() == 8);

/// A `Vec` of records with inline ids, in store order.
#[derive(Debug, Default)]
pub struct Inline {
    records: Vec<InlineRecord>,
}

impl Layout for Inline {
    const NAME: &'static str = "inline";
    const HEAP_BYTES_PER_RECORD: usize = 64;
    const SUMMARY: &'static str =
        "Vec<Record>, natural alignment, id in a SmallVec<[u8; 16]> (inline, spills beyond 16 bytes)";

    fn with_capacity(records: usize) -> Self {
        Inline {
            records: Vec::with_capacity(records),
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        self.records.push(InlineRecord {
            sensor_id: InlineId::new(reading.sensor_id),
            timestamp: reading.timestamp,
            value: reading.value,
            unit: reading.unit,
            normalized: 0.0,
            rolling_avg: 0.0,
        });
        Ok(())
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn record(&self, index: usize) -> RecordRef<'_> {
        let r = &self.records[index];
        RecordRef {
            sensor_id: r.sensor_id.as_str(),
            timestamp: r.timestamp,
            value: r.value,
            unit: r.unit,
            normalized: r.normalized,
            rolling_avg: r.rolling_avg,
        }
    }

    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) {
        // `Vec::retain` shifts kept records down in place; a dropped record frees a heap
        // block only if its id had spilled.
        self.records.retain(|r| keep(r.value, r.unit));
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        for r in &mut self.records {
            r.normalized = f(r.value, r.unit);
        }
    }

    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        for r in &mut self.records {
            r.rolling_avg = f(SensorKey::Name(r.sensor_id.as_str()), r.value);
        }
    }

    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        for r in &self.records {
            f(
                SensorKey::Name(r.sensor_id.as_str()),
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
        vec![type_info!(InlineRecord {
            sensor_id,
            timestamp,
            value,
            unit,
            normalized,
            rolling_avg
        })]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(id: &str) -> Reading<'_> {
        Reading {
            sensor_id: id,
            timestamp: 1.0,
            value: 2.0,
            unit: Unit::Ppm,
        }
    }

    #[test]
    fn ids_up_to_16_bytes_stay_inline_and_longer_ones_spill() {
        let (short, edge, long) = ("S000", "x".repeat(16), "y".repeat(32));
        let mut store = Inline::with_capacity(3);
        for id in [short, &edge, &long] {
            store.push(&reading(id)).unwrap();
        }
        let spilled: Vec<bool> = store.records.iter().map(|r| r.sensor_id.spilled()).collect();
        assert_eq!(spilled, [false, false, true]);
        assert_eq!(store.record(0).sensor_id, short);
        assert_eq!(store.record(1).sensor_id, edge);
        assert_eq!(store.record(2).sensor_id, long);
    }

    #[test]
    fn the_padding_is_seven_bytes_after_the_unit() {
        let [info] = <[TypeInfo; 1]>::try_from(Inline::types()).expect("one type");
        assert_eq!((info.size, info.padding()), (64, 7));
        let last = info.fields.last().expect("six fields");
        assert_eq!((last.name.as_str(), last.size, last.padding_after), ("unit", 1, 7));
    }
}

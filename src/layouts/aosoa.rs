//! `aosoa` — array of structs of arrays: the records in blocks of [`LANES`], each block one
//! small struct with a fixed-size array per field; sensor ids interned into `u16`, the unit
//! a `u8`.
//!
//! It answers: do SIMD-width blocks get the best of both neighbours — scans as fast as
//! `soa`'s columns (inside a block each field is a short contiguous array the compiler can
//! vectorise over), and a record as close together as `packed`'s (all of one record's
//! fields lie within one 280-byte block, five cache lines, instead of six far-apart
//! columns)? One `Vec` of blocks means one allocation, like `packed`.
//!
//! A block of 8 is exactly 8 × 35 = 280 bytes with no padding: the `u16` and `u8` arrays
//! are 16 and 8 bytes, so every `f64` array stays 8-aligned in SPEC field order, and one
//! field of a block is 64 bytes, a cache line's worth and one AVX-512 register of `f64`s.
//! Blocks of 16 (560 bytes, also without padding) measured the same on every stage at
//! 1 000 000 records (within the noise of a loaded machine; 64 came no closer to `soa`),
//! so the smaller block wins: a record's fields stay within 280 bytes.
//!
//! Only the last block may be partly filled; its unused lanes hold stale or zero values
//! that no stage ever visits (`len` is kept exactly).

use crate::inspect::TypeInfo;
use crate::intern::Interner;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit, INFORMATION_BYTES};
use crate::type_info;

/// Records per block.
pub const LANES: usize = 8;

/// `LANES` records, field by field.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Block {
    sensor: [u16; LANES],
    timestamp: [f64; LANES],
    value: [f64; LANES],
    unit: [Unit; LANES],
    normalized: [f64; LANES],
    rolling_avg: [f64; LANES],
}

// A block is its records' information and nothing else: no padding between the arrays.
const _: () = assert!(std::mem::size_of::<Block>() == LANES * INFORMATION_BYTES);
const _: () = assert!(std::mem::align_of::<Block>() == 8);

impl Block {
    /// A block whose lanes are all unused.
    const EMPTY: Block = Block {
        sensor: [0; LANES],
        timestamp: [0.0; LANES],
        value: [0.0; LANES],
        unit: [Unit::Celsius; LANES],
        normalized: [0.0; LANES],
        rolling_avg: [0.0; LANES],
    };
}

/// Blocks of records in store order, plus the id table. Record `i` is lane `i % LANES` of
/// block `i / LANES`.
///
/// Invariant: `blocks.len() == len.div_ceil(LANES)`.
#[derive(Debug, Default)]
pub struct Aosoa {
    blocks: Vec<Block>,
    len: usize,
    ids: Interner<u16>,
    /// Whether a stage has written `normalized` or `rolling_avg`. Until one has, both hold
    /// only the zeros `push` wrote (as in `soa`), so the filter leaves them where they are
    /// and moves 19 bytes per kept record instead of 35.
    derived_written: bool,
}

impl Aosoa {
    /// The full blocks, then the filled lanes of the last one (empty if it is full or there
    /// is none), so each stage runs a fixed-length inner loop over whole blocks.
    #[inline]
    fn split(&self) -> (&[Block], Option<(&Block, usize)>) {
        let (full, tail) = (self.len / LANES, self.len % LANES);
        let (whole, rest) = self.blocks.split_at(full);
        (whole, rest.first().map(|b| (b, tail)))
    }

    /// As [`Aosoa::split`], mutably.
    #[inline]
    fn split_mut(&mut self) -> (&mut [Block], Option<(&mut Block, usize)>) {
        let (full, tail) = (self.len / LANES, self.len % LANES);
        let (whole, rest) = self.blocks.split_at_mut(full);
        (whole, rest.first_mut().map(|b| (b, tail)))
    }

    /// Moves every record that `keep` accepts to the front, in order, and returns how many
    /// it kept; the derived fields move only if `DERIVED`. The caller truncates.
    ///
    /// Walks the blocks in order with a write cursor (block, lane) that never passes the
    /// read cursor. Until the first dropped record the two coincide and nothing moves.
    #[inline]
    fn compact<const DERIVED: bool, F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) -> usize {
        let len = self.len;
        let blocks = &mut self.blocks[..len.div_ceil(LANES)];
        let (mut to_block, mut to_lane) = (0, 0);
        for from_block in 0..blocks.len() {
            let lanes = (len - from_block * LANES).min(LANES);
            for lane in 0..lanes {
                let from = &blocks[from_block];
                let (value, unit) = (from.value[lane], from.unit[lane]);
                if !keep(value, unit) {
                    continue;
                }
                if (to_block, to_lane) != (from_block, lane) {
                    let (sensor, timestamp) = (from.sensor[lane], from.timestamp[lane]);
                    let (normalized, rolling) = (from.normalized[lane], from.rolling_avg[lane]);
                    let to = &mut blocks[to_block];
                    to.sensor[to_lane] = sensor;
                    to.timestamp[to_lane] = timestamp;
                    to.value[to_lane] = value;
                    to.unit[to_lane] = unit;
                    if DERIVED {
                        to.normalized[to_lane] = normalized;
                        to.rolling_avg[to_lane] = rolling;
                    }
                }
                to_lane += 1;
                if to_lane == LANES {
                    to_lane = 0;
                    to_block += 1;
                }
            }
        }
        to_block * LANES + to_lane
    }
}

impl Layout for Aosoa {
    const NAME: &'static str = "aosoa";
    const HEAP_BYTES_PER_RECORD: usize = 36;
    const SUMMARY: &'static str =
        "array of structs of arrays: blocks of 8 records, an array per field, interned u16 ids";

    fn with_capacity(records: usize) -> Self {
        Aosoa {
            blocks: Vec::with_capacity(records.div_ceil(LANES)),
            len: 0,
            ids: Interner::default(),
            derived_written: false,
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        let sensor = self.ids.intern(reading.sensor_id).map_err(|full| CapacityError::new(Self::NAME, full))?;
        let lane = self.len % LANES;
        if lane == 0 {
            self.blocks.push(Block::EMPTY);
        }
        let block = self.blocks.last_mut().expect("a block with a free lane");
        block.sensor[lane] = sensor;
        block.timestamp[lane] = reading.timestamp;
        block.value[lane] = reading.value;
        block.unit[lane] = reading.unit;
        // A lane left behind by the filter may hold an old record's derived fields.
        block.normalized[lane] = 0.0;
        block.rolling_avg[lane] = 0.0;
        self.len += 1;
        Ok(())
    }

    fn len(&self) -> usize {
        self.len
    }

    fn record(&self, index: usize) -> RecordRef<'_> {
        assert!(
            index < self.len,
            "aosoa: record {index} of a store of {}",
            self.len
        );
        let (block, lane) = (&self.blocks[index / LANES], index % LANES);
        RecordRef {
            sensor_id: self.ids.name(block.sensor[lane]),
            timestamp: block.timestamp[lane],
            value: block.value[lane],
            unit: block.unit[lane],
            normalized: block.normalized[lane],
            rolling_avg: block.rolling_avg[lane],
        }
    }

    fn interned_sensors(&self) -> usize {
        self.ids.len()
    }

    fn interned_name(&self, id: u32) -> &str {
        self.ids.name_at(id as usize)
    }

    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, keep: F) {
        let kept = if self.derived_written {
            self.compact::<true, F>(keep)
        } else {
            self.compact::<false, F>(keep)
        };
        self.len = kept;
        self.blocks.truncate(kept.div_ceil(LANES));
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        self.derived_written = true;
        let (whole, tail) = self.split_mut();
        for block in whole {
            for lane in 0..LANES {
                block.normalized[lane] = f(block.value[lane], block.unit[lane]);
            }
        }
        if let Some((block, lanes)) = tail {
            for lane in 0..lanes {
                block.normalized[lane] = f(block.value[lane], block.unit[lane]);
            }
        }
    }

    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        self.derived_written = true;
        let mut lanes_of = |block: &mut Block, lanes: usize| {
            for lane in 0..lanes {
                let key = SensorKey::Interned(u32::from(block.sensor[lane]));
                block.rolling_avg[lane] = f(key, block.value[lane]);
            }
        };
        let (whole, tail) = self.split_mut();
        for block in whole {
            lanes_of(block, LANES);
        }
        if let Some((block, lanes)) = tail {
            lanes_of(block, lanes);
        }
    }

    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        let mut lanes_of = |block: &Block, lanes: usize| {
            for lane in 0..lanes {
                f(
                    SensorKey::Interned(u32::from(block.sensor[lane])),
                    Scanned {
                        unit: block.unit[lane],
                        value: block.value[lane],
                        normalized: block.normalized[lane],
                        rolling_avg: block.rolling_avg[lane],
                    },
                );
            }
        };
        let (whole, tail) = self.split();
        for block in whole {
            lanes_of(block, LANES);
        }
        if let Some((block, lanes)) = tail {
            lanes_of(block, lanes);
        }
    }

    fn types() -> Vec<TypeInfo> {
        vec![
            type_info!(Block {
                sensor,
                timestamp,
                value,
                unit,
                normalized,
                rolling_avg
            }),
            type_info!(Aosoa {
                blocks,
                len,
                ids,
                derived_written
            }),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layouts::percent_reading as reading;

    /// A store of `n` records of sensor `s<i % 3>`, timestamp `i`, value `i % 101` (so
    /// values of 101 and up never occur; the tests mark records to drop with 150).
    fn store(n: usize, drop: impl Fn(usize) -> bool) -> (Aosoa, Vec<usize>) {
        let mut store = Aosoa::with_capacity(n);
        let ids: Vec<String> = (0..3).map(|i| format!("s{i}")).collect();
        let mut kept = Vec::new();
        for i in 0..n {
            let value = if drop(i) { 150.0 } else { (i % 101) as f64 };
            if !drop(i) {
                kept.push(i);
            }
            store.push(&reading(&ids[i % 3], i as f64, value)).unwrap();
        }
        (store, kept)
    }

    #[test]
    fn retain_compacts_across_blocks_in_order() {
        // Drops at block edges, whole dropped blocks, a partly filled last block, and
        // everything or nothing dropped.
        type Pattern = (&'static str, fn(usize) -> bool);
        let patterns: [Pattern; 6] = [
            ("none", |_| false),
            ("all", |_| true),
            ("every third", |i| i % 3 == 0),
            ("block edges", |i| i % LANES == 0 || i % LANES == LANES - 1),
            ("second block", |i| i / LANES == 1),
            ("first lane only kept", |i| i != 0),
        ];
        for n in [0, 1, LANES - 1, LANES, LANES + 1, 5 * LANES + 3] {
            for (name, drop) in patterns {
                let (mut s, kept) = store(n, drop);
                s.retain(|value, unit| unit.contains(value));
                assert_eq!(s.len(), kept.len(), "{name}, {n} records");
                assert_eq!(s.blocks.len(), kept.len().div_ceil(LANES), "{name}, {n}");
                for (at, &i) in kept.iter().enumerate() {
                    let r = s.record(at);
                    assert_eq!(r.timestamp, i as f64, "{name}, {n} records, at {at}");
                    assert_eq!(r.sensor_id, format!("s{}", i % 3));
                }
            }
        }
    }

    #[test]
    fn pushes_after_a_filter_start_from_zeroed_derived_fields() {
        let (mut s, _) = store(2 * LANES, |i| i >= LANES + 2);
        s.set_normalized(|_, _| 7.0);
        s.set_rolling(|_, _| 9.0);
        s.retain(|value, unit| unit.contains(value));
        assert_eq!(s.len(), LANES + 2);
        s.push(&reading("new", 1.0, 2.0)).unwrap();
        let r = s.record(LANES + 2);
        assert_eq!((r.sensor_id, r.normalized, r.rolling_avg), ("new", 0.0, 0.0));
        assert_eq!(s.record(LANES + 1).normalized, 7.0);
    }

    #[test]
    fn stages_visit_every_record_once_in_order() {
        let (mut s, _) = store(3 * LANES + 5, |_| false);
        let mut seen = Vec::new();
        s.set_rolling(|_, value| {
            seen.push(value);
            value
        });
        let want: Vec<f64> = (0..s.len()).map(|i| (i % 101) as f64).collect();
        assert_eq!(seen, want);
        let mut scanned = Vec::new();
        s.scan(|_, r| scanned.push(r.rolling_avg));
        assert_eq!(scanned, want);
    }

    #[test]
    #[should_panic(expected = "aosoa: record 3 of a store of 3")]
    fn a_record_past_the_end_panics_even_inside_the_last_block() {
        let (s, _) = store(3, |_| false);
        s.record(3);
    }

    #[test]
    fn inspect_shows_a_block_without_padding() {
        let info = &Aosoa::types()[0];
        assert_eq!((info.size, info.padding()), (LANES * INFORMATION_BYTES, 0));
    }
}

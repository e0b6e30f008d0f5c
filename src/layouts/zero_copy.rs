//! `zero_copy` — every record in one `Vec<u8>`, in a fixed-width little-endian wire format,
//! each field read and written in place at its byte offset. There is no record struct.
//!
//! It answers: if records arrive as bytes (a file, an mmap, a socket), is decoding them into
//! structs worth it at all, or can the pipeline work on the bytes as they are?
//!
//! The wire record is 35 bytes, the information floor of SPEC §1, in SPEC order:
//!
//! | bytes  | field         | encoding                        |
//! |--------|---------------|---------------------------------|
//! | 0..2   | `sensor`      | `u16` LE, an id interned per store |
//! | 2..10  | `timestamp`   | `f64` LE                        |
//! | 10..18 | `value`       | `f64` LE                        |
//! | 18     | `unit`        | `u8`, [`Unit::code`]            |
//! | 19..27 | `normalized`  | `f64` LE                        |
//! | 27..35 | `rolling_avg` | `f64` LE                        |
//!
//! Ids are `u16`, not `u32`: two more bytes per record would buy room for more than 65 536
//! sensors, but the point of this layout is to be compared with `packed`, whose records
//! are the same 35 bytes (on a little-endian machine, the very same bytes), so that the
//! comparison isolates one thing — typed field access on a `#[repr(packed)]` struct versus
//! `from_le_bytes` on a byte slice. Like `packed`, a store with more sensors than a `u16`
//! holds reports a [`CapacityError`]; it never wraps.
//!
//! When the source announces how many records it will yield, the buffer is reserved once;
//! when it cannot (a CSV file), the buffer grows by a quarter at a time rather than
//! doubling, so beyond the first 4 096 records it never has room for more than a quarter
//! more records than it holds, and the peak heap stays under 44 bytes per record whatever
//! the source.
//!
//! All access is safe code: `f64::from_le_bytes` on 8-byte windows of a `[u8; 35]`, with
//! constant offsets so the bounds checks fold away. The filter compacts in place with
//! `copy_within`, moving each run of kept records with one `memmove` rather than one per
//! record.

use crate::inspect::TypeInfo;
use crate::intern::Interner;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit, INFORMATION_BYTES};

/// Bytes per record in the wire format.
pub const RECORD_BYTES: usize = 35;

/// Where each field starts in a wire record.
mod at {
    pub const SENSOR: usize = 0;
    pub const TIMESTAMP: usize = 2;
    pub const VALUE: usize = 10;
    pub const UNIT: usize = 18;
    pub const NORMALIZED: usize = 19;
    pub const ROLLING_AVG: usize = 27;
}

// The wire record is the information floor, field after field, with no gap.
const _: () = assert!(RECORD_BYTES == INFORMATION_BYTES);
const _: () = assert!(at::TIMESTAMP == at::SENSOR + 2);
const _: () = assert!(at::VALUE == at::TIMESTAMP + 8);
const _: () = assert!(at::UNIT == at::VALUE + 8);
const _: () = assert!(at::NORMALIZED == at::UNIT + 1);
const _: () = assert!(at::ROLLING_AVG == at::NORMALIZED + 8);
const _: () = assert!(RECORD_BYTES == at::ROLLING_AVG + 8);

/// One record's bytes.
type Wire = [u8; RECORD_BYTES];

#[inline(always)]
fn get_f64(record: &Wire, at: usize) -> f64 {
    let mut bytes = [0; 8];
    bytes.copy_from_slice(&record[at..at + 8]);
    f64::from_le_bytes(bytes)
}

#[inline(always)]
fn put_f64(record: &mut Wire, at: usize, x: f64) {
    record[at..at + 8].copy_from_slice(&x.to_le_bytes());
}

#[inline(always)]
fn get_sensor(record: &Wire) -> u16 {
    u16::from_le_bytes([record[at::SENSOR], record[at::SENSOR + 1]])
}

/// # Panics
///
/// If the unit byte is not a [`Unit::code`]; `push` writes only codes.
#[inline(always)]
fn get_unit(record: &Wire) -> Unit {
    Unit::from_code(record[at::UNIT]).expect("zero_copy unit bytes are written by push")
}

/// The wire record starting at byte `start` of `bytes`.
///
/// # Panics
///
/// If fewer than [`RECORD_BYTES`] bytes follow `start`.
#[inline(always)]
fn wire(bytes: &[u8], start: usize) -> &Wire {
    bytes[start..start + RECORD_BYTES]
        .try_into()
        .expect("a slice of RECORD_BYTES bytes")
}

/// Views a chunk from `chunks_exact(RECORD_BYTES)` as a wire record.
#[inline(always)]
fn as_wire(chunk: &[u8]) -> &Wire {
    chunk.try_into().expect("chunks_exact yields RECORD_BYTES")
}

/// As [`as_wire`], mutably.
#[inline(always)]
fn as_wire_mut(chunk: &mut [u8]) -> &mut Wire {
    chunk.try_into().expect("chunks_exact yields RECORD_BYTES")
}

/// All records as one byte buffer, plus the id table their `sensor` fields index.
///
/// Invariant: `bytes.len()` is a multiple of [`RECORD_BYTES`], and every record's unit byte
/// is a [`Unit::code`] and its sensor an id of `ids`.
#[derive(Debug, Default)]
pub struct ZeroCopy {
    bytes: Vec<u8>,
    ids: Interner<u16>,
}

/// Records the buffer grows by, at least, when a source did not say how many to expect.
const MIN_GROWTH_RECORDS: usize = 4096;

impl ZeroCopy {
    /// Makes room for more records when the buffer is full: a quarter more, not `Vec`'s
    /// doubling. A source that announces its size never gets here (`with_capacity` reserved
    /// it all); for one that cannot (a CSV file), doubling could leave the buffer up to half
    /// empty — 70 bytes per 35-byte record — while growing by quarters bounds it to
    /// 1.25 × 35 = 43.75. Growth stays geometric, so pushes stay amortised O(1), and large
    /// buffers are grown by `realloc`, which can remap pages instead of copying them.
    #[cold]
    fn grow(&mut self) {
        let records = (self.bytes.len() / RECORD_BYTES / 4).max(MIN_GROWTH_RECORDS);
        self.bytes.reserve_exact(records * RECORD_BYTES);
    }

    /// The records as they would go on the wire: [`RECORD_BYTES`] bytes each, in store order.
    ///
    /// # Examples
    ///
    /// ```
    /// use layoutlab::layouts::{Layout, ZeroCopy};
    /// use layoutlab::layouts::zero_copy::RECORD_BYTES;
    /// use layoutlab::record::{Reading, Unit};
    ///
    /// let mut store = ZeroCopy::with_capacity(1);
    /// let reading = Reading { sensor_id: "S1", timestamp: 1.0, value: 21.5, unit: Unit::Celsius };
    /// store.push(&reading).unwrap();
    /// let wire = store.wire_bytes();
    /// assert_eq!(wire.len(), RECORD_BYTES);
    /// assert_eq!(&wire[10..18], &21.5f64.to_le_bytes());
    /// ```
    pub fn wire_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl Layout for ZeroCopy {
    const NAME: &'static str = "zero_copy";
    const HEAP_BYTES_PER_RECORD: usize = 36;
    const SUMMARY: &'static str =
        "35-byte little-endian wire records in one Vec<u8>, fields read in place, interned u16 ids";

    fn with_capacity(records: usize) -> Self {
        ZeroCopy {
            bytes: Vec::with_capacity(records.saturating_mul(RECORD_BYTES)),
            ids: Interner::default(),
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        let sensor = self.ids.intern(reading.sensor_id).map_err(|full| CapacityError::new(Self::NAME, full))?;
        let mut record: Wire = [0; RECORD_BYTES];
        record[at::SENSOR..at::SENSOR + 2].copy_from_slice(&sensor.to_le_bytes());
        put_f64(&mut record, at::TIMESTAMP, reading.timestamp);
        put_f64(&mut record, at::VALUE, reading.value);
        record[at::UNIT] = reading.unit.code();
        // normalized and rolling_avg: 0.0 is all zero bytes, as `record` already is.
        if self.bytes.capacity() - self.bytes.len() < RECORD_BYTES {
            self.grow();
        }
        self.bytes.extend_from_slice(&record);
        Ok(())
    }

    fn len(&self) -> usize {
        self.bytes.len() / RECORD_BYTES
    }

    fn record(&self, index: usize) -> RecordRef<'_> {
        let r = wire(&self.bytes, index * RECORD_BYTES);
        RecordRef {
            sensor_id: self.ids.name(get_sensor(r)),
            timestamp: get_f64(r, at::TIMESTAMP),
            value: get_f64(r, at::VALUE),
            unit: get_unit(r),
            normalized: get_f64(r, at::NORMALIZED),
            rolling_avg: get_f64(r, at::ROLLING_AVG),
        }
    }

    fn interned_sensors(&self) -> usize {
        self.ids.len()
    }

    fn interned_name(&self, id: u32) -> &str {
        self.ids.name_at(id as usize)
    }

    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) {
        let n = self.len();
        let bytes = &mut self.bytes[..n * RECORD_BYTES];
        // Records [run, read) are kept and not yet moved; [0, kept) is the compacted store.
        // A dropped record ends a run, which moves down in one `copy_within`. Writes land
        // below `run`, so no record is overwritten before it has been read.
        let mut kept = 0;
        let mut run = 0;
        for read in 0..n {
            let r = wire(bytes, read * RECORD_BYTES);
            if !keep(get_f64(r, at::VALUE), get_unit(r)) {
                if kept != run {
                    bytes.copy_within(run * RECORD_BYTES..read * RECORD_BYTES, kept * RECORD_BYTES);
                }
                kept += read - run;
                run = read + 1;
            }
        }
        if kept != run {
            bytes.copy_within(run * RECORD_BYTES..n * RECORD_BYTES, kept * RECORD_BYTES);
        }
        kept += n - run;
        self.bytes.truncate(kept * RECORD_BYTES);
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        for chunk in self.bytes.chunks_exact_mut(RECORD_BYTES) {
            let r = as_wire_mut(chunk);
            let normalized = f(get_f64(r, at::VALUE), get_unit(r));
            put_f64(r, at::NORMALIZED, normalized);
        }
    }

    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        for chunk in self.bytes.chunks_exact_mut(RECORD_BYTES) {
            let r = as_wire_mut(chunk);
            let key = SensorKey::Interned(u32::from(get_sensor(r)));
            let rolling = f(key, get_f64(r, at::VALUE));
            put_f64(r, at::ROLLING_AVG, rolling);
        }
    }

    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        for chunk in self.bytes.chunks_exact(RECORD_BYTES) {
            let r = as_wire(chunk);
            f(
                SensorKey::Interned(u32::from(get_sensor(r))),
                Scanned {
                    unit: get_unit(r),
                    value: get_f64(r, at::VALUE),
                    normalized: get_f64(r, at::NORMALIZED),
                    rolling_avg: get_f64(r, at::ROLLING_AVG),
                },
            );
        }
    }

    fn types() -> Vec<TypeInfo> {
        // There is no struct to ask the compiler about: the offsets are the format's own
        // constants (checked against each other at compile time above).
        let span = |at: usize, len: usize| at..at + len;
        vec![TypeInfo::from_spans(
            "zero_copy wire record (little-endian bytes in one Vec<u8>)",
            RECORD_BYTES,
            1,
            vec![
                ("sensor: u16 LE", span(at::SENSOR, 2)),
                ("timestamp: f64 LE", span(at::TIMESTAMP, 8)),
                ("value: f64 LE", span(at::VALUE, 8)),
                ("unit: u8 code", span(at::UNIT, 1)),
                ("normalized: f64 LE", span(at::NORMALIZED, 8)),
                ("rolling_avg: f64 LE", span(at::ROLLING_AVG, 8)),
            ],
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(id: &str, value: f64) -> Reading<'_> {
        Reading {
            sensor_id: id,
            timestamp: 1_700_000_000.5,
            value,
            unit: Unit::Hectopascal,
        }
    }

    #[test]
    fn the_wire_format_is_the_documented_bytes() {
        let mut store = ZeroCopy::with_capacity(2);
        store.push(&reading("a", 1013.25)).unwrap();
        store.push(&reading("b", -0.0)).unwrap();
        let mut want = Vec::new();
        for (id, value) in [(0u16, 1013.25f64), (1, -0.0)] {
            want.extend_from_slice(&id.to_le_bytes());
            want.extend_from_slice(&1_700_000_000.5f64.to_le_bytes());
            want.extend_from_slice(&value.to_le_bytes());
            want.push(Unit::Hectopascal.code());
            want.extend_from_slice(&[0; 16]);
        }
        assert_eq!(store.wire_bytes(), want);
        assert_eq!(store.record(1).value.to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn retain_compacts_runs_at_the_start_middle_and_end() {
        // Every keep/drop pattern of 7 records: runs of kept records of every length and
        // position, and drops at both ends.
        for pattern in 0u32..1 << 7 {
            let mut store = ZeroCopy::with_capacity(7);
            let ids: Vec<String> = (0..7).map(|i| format!("s{i}")).collect();
            for (i, id) in ids.iter().enumerate() {
                let value = if pattern >> i & 1 == 1 { 500.0 } else { 5.0 };
                store.push(&reading(id, value)).unwrap();
            }
            store.retain(|value, unit| unit.contains(value));
            let kept: Vec<&str> = (0..store.len()).map(|i| store.record(i).sensor_id).collect();
            let want: Vec<&str> = (0..7)
                .filter(|i| pattern >> i & 1 == 1)
                .map(|i| ids[i].as_str())
                .collect();
            assert_eq!(kept, want, "pattern {pattern:07b}");
            assert_eq!(store.wire_bytes().len(), want.len() * RECORD_BYTES);
        }
    }

    #[test]
    fn more_sensors_than_a_u16_holds_is_an_error() {
        let mut store = ZeroCopy::with_capacity(0);
        for i in 0..1 << 16 {
            store.push(&reading(&i.to_string(), 500.0)).unwrap();
        }
        let err = store.push(&reading("one too many", 500.0)).unwrap_err();
        assert_eq!((err.layout, err.id_type, err.limit), ("zero_copy", "u16", 65536));
        assert_eq!(store.len(), 1 << 16, "the failed push added nothing");
    }

    #[test]
    fn inspect_shows_35_bytes_without_padding() {
        let [info] = <[TypeInfo; 1]>::try_from(ZeroCopy::types()).expect("one type");
        assert_eq!((info.size, info.align, info.padding()), (35, 1, 0));
        assert_eq!(info.fields.iter().map(|f| f.size).sum::<usize>(), 35);
    }
}

//! `packed` — one `Vec` of `#[repr(C, packed)]` records: interned `u16` id, `u8` unit.
//!
//! The record is exactly the 35 bytes of information SPEC §1 counts, with no padding, so
//! this is as small as an array of whole records gets. The cost is unaligned fields: every
//! `f64` but the first sits at an odd offset, and many straddle cache lines.

use crate::inspect::TypeInfo;
use crate::intern::Interner;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit, INFORMATION_BYTES};
use crate::type_info;

/// One record, byte-packed. Fields are read and written by value (never by reference,
/// which would be unaligned).
#[repr(C, packed)]
#[derive(Debug, Clone, Copy)]
pub struct PackedRecord {
    sensor: u16,
    timestamp: f64,
    value: f64,
    unit: Unit,
    normalized: f64,
    rolling_avg: f64,
}

// The whole point of the layout: no byte beyond the information itself.
const _: () = assert!(std::mem::size_of::<PackedRecord>() == INFORMATION_BYTES);
const _: () = assert!(std::mem::size_of::<PackedRecord>() == 35);
const _: () = assert!(std::mem::align_of::<PackedRecord>() == 1);

/// A `Vec` of packed records plus the id table.
#[derive(Debug, Default)]
pub struct Packed {
    records: Vec<PackedRecord>,
    ids: Interner<u16>,
}

impl Layout for Packed {
    const NAME: &'static str = "packed";
    const HEAP_BYTES_PER_RECORD: usize = 36;
    const SUMMARY: &'static str =
        "#[repr(C, packed)] 35-byte records in one Vec, interned u16 ids, u8 unit";

    fn with_capacity(records: usize) -> Self {
        Packed {
            records: Vec::with_capacity(records),
            ids: Interner::default(),
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        let sensor = self.ids.intern(reading.sensor_id).map_err(|full| CapacityError::new(Self::NAME, full))?;
        self.records.push(PackedRecord {
            sensor,
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
        let r = self.records[index];
        RecordRef {
            sensor_id: self.ids.name(r.sensor),
            timestamp: r.timestamp,
            value: r.value,
            unit: r.unit,
            normalized: r.normalized,
            rolling_avg: r.rolling_avg,
        }
    }

    fn interned_sensors(&self) -> usize {
        self.ids.len()
    }

    fn interned_name(&self, id: u32) -> &str {
        self.ids.name_at(id as usize)
    }

    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) {
        self.records.retain(|r| keep(r.value, r.unit));
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        for r in &mut self.records {
            r.normalized = f(r.value, r.unit);
        }
    }

    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        for r in &mut self.records {
            r.rolling_avg = f(SensorKey::Interned(u32::from(r.sensor)), r.value);
        }
    }

    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        for r in &self.records {
            f(
                SensorKey::Interned(u32::from(r.sensor)),
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
        vec![type_info!(PackedRecord {
            sensor,
            timestamp,
            value,
            unit,
            normalized,
            rolling_avg
        })]
    }
}

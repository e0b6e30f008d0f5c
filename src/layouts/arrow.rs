//! `arrow` — the records as an Apache Arrow [`RecordBatch`], built with arrow-rs: the sensor
//! id dictionary-encoded (`UInt16` keys into `Utf8` values), the unit a `UInt8` code, and
//! `Float64` columns for timestamp, value, normalized and rolling average.
//!
//! It answers: what does the ecosystem's standard columnar format cost against the
//! hand-rolled `soa`? The columns are the same bytes as `soa`'s, but Arrow arrays are
//! immutable and shared (`Arc`), so every stage that changes the store builds new arrays
//! instead of writing in place:
//!
//! - **ingest** appends to builders (`UInt16Builder` for the keys, an [`Interner`] for the
//!   dictionary values, `Float64Builder`s and a `UInt8Builder`), because a streaming source
//!   cannot hand Arrow a finished array. The trait has no end-of-ingest call, so the batch
//!   is sealed by the first stage that changes the store (the filter): the builders' buffers
//!   become arrays without a copy, the interned ids become the dictionary's values, and
//!   `DictionaryArray::try_new` checks every key once.
//! - **filter** evaluates the predicate into a `BooleanArray` (one bit per record) and runs
//!   Arrow's own kernel ([`FilterPredicate::filter`], built once and optimised for several
//!   columns) over each column, which allocates a new array per column; the dictionary's
//!   values are shared, only its keys are filtered. Each old column is dropped as soon as
//!   its filtered copy exists, so the peak is the store plus one column, not two stores.
//! - **normalize** and **rolling** each build a new `Float64Array` and swap it into the
//!   batch in place of the old column.
//!
//! Reads (`record`, `scan`) go through typed slices of the columns, as in `soa`.

use std::sync::Arc;

use arrow_array::builder::{Float64Builder, UInt16Builder, UInt8Builder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, UInt16Type, UInt8Type};
use arrow_array::{Array, ArrayRef, BooleanArray, DictionaryArray, Float64Array, RecordBatch};
use arrow_array::StringArray;
use arrow_buffer::BooleanBuffer;
use arrow_schema::{DataType, Field, Schema};
use arrow_select::filter::{FilterBuilder, FilterPredicate};

use crate::inspect::TypeInfo;
use crate::intern::Interner;
use crate::layouts::{CapacityError, Layout, Scanned, SensorKey};
use crate::record::{Reading, RecordRef, Unit};

/// Column indexes in the batch, in SPEC field order.
mod col {
    pub const SENSOR: usize = 0;
    pub const TIMESTAMP: usize = 1;
    pub const VALUE: usize = 2;
    pub const UNIT: usize = 3;
    pub const NORMALIZED: usize = 4;
    pub const ROLLING_AVG: usize = 5;
}

/// The batch's schema: every column non-nullable.
fn schema() -> Schema {
    let f64_field = |name: &str| Field::new(name, DataType::Float64, false);
    let sensor = DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::Utf8));
    Schema::new(vec![
        Field::new("sensor_id", sensor, false),
        f64_field("timestamp"),
        f64_field("value"),
        Field::new("unit", DataType::UInt8, false),
        f64_field("normalized"),
        f64_field("rolling_avg"),
    ])
}

/// The store while the source streams: one builder per column, and the dictionary's values
/// as an interner (Arrow's dictionary builder would hash with a random seed; this one
/// hashes with a fixed one, so instruction counts repeat exactly).
#[derive(Debug)]
struct Builders {
    ids: Interner<u16>,
    sensor: UInt16Builder,
    timestamp: Float64Builder,
    value: Float64Builder,
    unit: UInt8Builder,
    normalized: Float64Builder,
    rolling_avg: Float64Builder,
}

impl Builders {
    fn with_capacity(records: usize) -> Self {
        Builders {
            ids: Interner::default(),
            sensor: UInt16Builder::with_capacity(records),
            timestamp: Float64Builder::with_capacity(records),
            value: Float64Builder::with_capacity(records),
            unit: UInt8Builder::with_capacity(records),
            normalized: Float64Builder::with_capacity(records),
            rolling_avg: Float64Builder::with_capacity(records),
        }
    }

    /// The finished batch. The builders' buffers move into the arrays without a copy.
    fn finish(mut self) -> RecordBatch {
        let names = (0..self.ids.len()).map(|id| self.ids.name_at(id));
        let values: ArrayRef = Arc::new(StringArray::from_iter_values(names));
        let sensor = DictionaryArray::try_new(self.sensor.finish(), values)
            .expect("every key was made by the interner whose names are the values");
        let columns: Vec<ArrayRef> = vec![
            Arc::new(sensor),
            Arc::new(self.timestamp.finish()),
            Arc::new(self.value.finish()),
            Arc::new(self.unit.finish()),
            Arc::new(self.normalized.finish()),
            Arc::new(self.rolling_avg.finish()),
        ];
        RecordBatch::try_new(Arc::new(schema()), columns)
            .expect("the columns are the schema's types and of equal length")
    }
}

/// Where the store stands: still being built, or a finished batch.
// The builders are some 700 bytes beside the batch's 40, but a run holds exactly one store,
// never a collection of them; boxing them would cost an allocation and buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum State {
    Building(Builders),
    Sealed(RecordBatch),
}

/// The records as Arrow arrays: builders during ingest, a [`RecordBatch`] after it.
#[derive(Debug)]
pub struct Arrow {
    state: State,
}

/// The text of a sensor id, wherever the store keeps it.
#[derive(Clone, Copy)]
enum Names<'a> {
    Interner(&'a Interner<u16>),
    Dictionary(&'a StringArray),
}

/// Typed slices of every column, from the builders or from the batch: how every read sees
/// the store.
struct Columns<'a> {
    sensor: &'a [u16],
    timestamp: &'a [f64],
    value: &'a [f64],
    unit: &'a [u8],
    normalized: &'a [f64],
    rolling_avg: &'a [f64],
    names: Names<'a>,
}

/// The unit of a code in the unit column.
///
/// # Panics
///
/// If `code` is not a [`Unit::code`]; `push` writes only codes.
#[inline(always)]
fn unit_of(code: u8) -> Unit {
    Unit::from_code(code).expect("arrow unit codes are written by push")
}

impl<'a> Columns<'a> {
    fn of_builders(b: &'a Builders) -> Self {
        Columns {
            sensor: b.sensor.values_slice(),
            timestamp: b.timestamp.values_slice(),
            value: b.value.values_slice(),
            unit: b.unit.values_slice(),
            normalized: b.normalized.values_slice(),
            rolling_avg: b.rolling_avg.values_slice(),
            names: Names::Interner(&b.ids),
        }
    }

    /// # Panics
    ///
    /// If a column is not of the schema's type (the store builds only schema batches).
    fn of_batch(batch: &'a RecordBatch) -> Self {
        let f64s = |i: usize| batch.column(i).as_primitive::<Float64Type>().values();
        let sensor = batch.column(col::SENSOR).as_dictionary::<UInt16Type>();
        Columns {
            sensor: sensor.keys().values(),
            timestamp: f64s(col::TIMESTAMP),
            value: f64s(col::VALUE),
            unit: batch.column(col::UNIT).as_primitive::<UInt8Type>().values(),
            normalized: f64s(col::NORMALIZED),
            rolling_avg: f64s(col::ROLLING_AVG),
            names: Names::Dictionary(sensor.values().as_string::<i32>()),
        }
    }

    /// The text of the id at `index` (a key of the sensor column, widened).
    fn name(&self, index: usize) -> &'a str {
        match self.names {
            Names::Interner(ids) => ids.name_at(index),
            Names::Dictionary(values) => values.value(index),
        }
    }

    fn interned(&self) -> usize {
        match self.names {
            Names::Interner(ids) => ids.len(),
            Names::Dictionary(values) => values.len(),
        }
    }
}

impl Arrow {
    fn columns(&self) -> Columns<'_> {
        match &self.state {
            State::Building(b) => Columns::of_builders(b),
            State::Sealed(batch) => Columns::of_batch(batch),
        }
    }

    /// The finished batch, taken out of the store (sealing it first if ingest just ended);
    /// the caller puts the changed batch back with [`Arrow::put`].
    fn take(&mut self) -> RecordBatch {
        // An empty builder set allocates nothing (builders of capacity 0 hold no buffer).
        let empty = State::Building(Builders::with_capacity(0));
        match std::mem::replace(&mut self.state, empty) {
            State::Building(builders) => builders.finish(),
            State::Sealed(batch) => batch,
        }
    }

    fn put(&mut self, batch: RecordBatch) {
        self.state = State::Sealed(batch);
    }

    /// Replaces the `Float64` column `index` with `f(value, unit, sensor)` of each record,
    /// computed in store order into a new array.
    fn replace_f64<F: FnMut(f64, u8, u16) -> f64>(&mut self, index: usize, mut f: F) {
        let batch = self.take();
        let column = {
            let c = Columns::of_batch(&batch);
            let inputs = c.value.iter().zip(c.unit).zip(c.sensor);
            Float64Array::from_iter_values(inputs.map(|((&v, &u), &s)| f(v, u, s)))
        };
        let (schema, mut columns, _) = batch.into_parts();
        columns[index] = Arc::new(column);
        self.put(
            RecordBatch::try_new(schema, columns).expect("the new column has the old one's type"),
        );
    }
}

impl Layout for Arrow {
    const NAME: &'static str = "arrow";
    const HEAP_BYTES_PER_RECORD: usize = 44;
    const SUMMARY: &'static str =
        "Apache Arrow RecordBatch (arrow-rs): u16 dictionary ids, u8 unit, f64 columns";

    fn with_capacity(records: usize) -> Self {
        Arrow {
            state: State::Building(Builders::with_capacity(records)),
        }
    }

    fn push(&mut self, reading: &Reading<'_>) -> Result<(), CapacityError> {
        // A store that is already a batch (a push after a stage ran) goes back to builders
        // holding copies of its columns: Arrow arrays do not grow.
        if let State::Sealed(_) = self.state {
            let builders = {
                let c = self.columns();
                let mut b = Builders::with_capacity(c.value.len() + 1);
                for id in 0..c.interned() {
                    b.ids
                        .intern(c.name(id))
                        .expect("the dictionary's values fit its u16 keys");
                }
                b.sensor.append_slice(c.sensor);
                b.timestamp.append_slice(c.timestamp);
                b.value.append_slice(c.value);
                b.unit.append_slice(c.unit);
                b.normalized.append_slice(c.normalized);
                b.rolling_avg.append_slice(c.rolling_avg);
                b
            };
            self.state = State::Building(builders);
        }
        let State::Building(b) = &mut self.state else {
            unreachable!("the store was turned back into builders above");
        };
        let sensor = b.ids.intern(reading.sensor_id).map_err(|full| CapacityError::new(Self::NAME, full))?;
        b.sensor.append_value(sensor);
        b.timestamp.append_value(reading.timestamp);
        b.value.append_value(reading.value);
        b.unit.append_value(reading.unit.code());
        b.normalized.append_value(0.0);
        b.rolling_avg.append_value(0.0);
        Ok(())
    }

    fn len(&self) -> usize {
        match &self.state {
            State::Building(b) => b.value.values_slice().len(),
            State::Sealed(batch) => batch.num_rows(),
        }
    }

    fn record(&self, index: usize) -> RecordRef<'_> {
        let c = self.columns();
        RecordRef {
            sensor_id: c.name(usize::from(c.sensor[index])),
            timestamp: c.timestamp[index],
            value: c.value[index],
            unit: unit_of(c.unit[index]),
            normalized: c.normalized[index],
            rolling_avg: c.rolling_avg[index],
        }
    }

    fn interned_sensors(&self) -> usize {
        self.columns().interned()
    }

    fn interned_name(&self, id: u32) -> &str {
        self.columns().name(id as usize)
    }

    fn retain<F: FnMut(f64, Unit) -> bool>(&mut self, mut keep: F) {
        let batch = self.take();
        let predicate: FilterPredicate = {
            let c = Columns::of_batch(&batch);
            let (value, unit) = (c.value, &c.unit[..c.value.len()]);
            // `collect_bool` calls the closure for indexes 0..len in order.
            let mask = BooleanBuffer::collect_bool(value.len(), |i| keep(value[i], unit_of(unit[i])));
            FilterBuilder::new(&BooleanArray::new(mask, None))
                .optimize()
                .build()
        };
        let (schema, mut columns, _) = batch.into_parts();
        for column in &mut columns {
            // The old column is dropped as soon as its filtered copy replaces it.
            *column = predicate
                .filter(column.as_ref())
                .expect("every column has the mask's length and a filterable type");
        }
        self.put(RecordBatch::try_new(schema, columns).expect("filtered columns of equal length"));
    }

    fn set_normalized<F: FnMut(f64, Unit) -> f64>(&mut self, mut f: F) {
        self.replace_f64(col::NORMALIZED, |value, unit, _| f(value, unit_of(unit)));
    }

    fn set_rolling<F: FnMut(SensorKey<'_>, f64) -> f64>(&mut self, mut f: F) {
        self.replace_f64(col::ROLLING_AVG, |value, _, sensor| {
            f(SensorKey::Interned(u32::from(sensor)), value)
        });
    }

    fn scan<F: FnMut(SensorKey<'_>, Scanned)>(&self, mut f: F) {
        let c = self.columns();
        let n = c.value.len();
        let (sensor, unit, value) = (&c.sensor[..n], &c.unit[..n], c.value);
        let (normalized, rolling) = (&c.normalized[..n], &c.rolling_avg[..n]);
        for i in 0..n {
            f(
                SensorKey::Interned(u32::from(sensor[i])),
                Scanned {
                    unit: unit_of(unit[i]),
                    value: value[i],
                    normalized: normalized[i],
                    rolling_avg: rolling[i],
                },
            );
        }
    }

    fn types() -> Vec<TypeInfo> {
        // One record across the batch's value buffers (the dictionary's values are per
        // sensor, not per record; Arrow aligns each buffer to 64 bytes).
        vec![TypeInfo::columns(
            "arrow RecordBatch columns (one element of each value buffer)",
            &[
                ("sensor_id: UInt16 dictionary key", std::mem::size_of::<u16>()),
                ("timestamp: Float64", std::mem::size_of::<f64>()),
                ("value: Float64", std::mem::size_of::<f64>()),
                ("unit: UInt8", std::mem::size_of::<u8>()),
                ("normalized: Float64", std::mem::size_of::<f64>()),
                ("rolling_avg: Float64", std::mem::size_of::<f64>()),
            ],
        )]
    }
}

#[cfg(test)]
mod tests;

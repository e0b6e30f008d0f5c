//! `packed` — one `Vec` of `#[repr(C, packed)]` rows: no padding at all.
//!
//! The row is the record's generated `<Name>Packed` struct: interned strings as ids of their
//! width, `bool`s and enums as a `u8` code, `char` as a `u32`, numbers as themselves, an
//! `Option` in a niche of its value or behind a presence byte, an array as its elements, a
//! flattened record as its own packed row. That is as small as an array of whole records
//! gets; the price is unaligned fields.
//!
//! A non-interned `String` is a `TextSpan` in the row — a `u32` offset and a `u32` length
//! into one text buffer per field that the store owns — rather than a 24-byte `String` with
//! a heap block of its own, and a list is a span into one values buffer per field: 8 bytes
//! in the row plus the data itself, and no allocation per record, which is what a compact
//! layout is for. Like an arena, those buffers only grow as values are dropped (`retain`)
//! or overwritten (setters); when more than half of one is dead the store moves the live
//! part into a fresh buffer, so the waste stays bounded. A buffer holds at most `u32::MAX`
//! elements: a push beyond that is [`StoreError::BufferFull`].

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, Kind, Leaf, LeafSink, LeafVisitor, Part, Ref, Val};
use crate::own::{record_at, setter_failed, store_impl, Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "packed";

/// `#[repr(C, packed)]` rows (the record's generated `<Name>Packed`) in one `Vec`, and the
/// side tables (intern tables, text and values buffers).
pub struct Packed<R: Record> {
    rows: Vec<R::Packed>,
    tables: R::Tables,
}

store_impl!(Default for Packed { rows, tables });
store_impl!(Debug for Packed { rows, tables });

/// Packs one record's leaves into a row, stopping at the first that cannot be stored.
struct PackLeaves<'a, R: Record> {
    row: R::Packed,
    tables: &'a mut R::Tables,
    failed: Option<StoreError>,
}

impl<R: Record> LeafSink<R> for PackLeaves<'_, R> {
    #[inline(always)]
    fn put<F: Field<R>>(&mut self, value: Val<R, F>)
    where
        F::Kind: Leaf,
    {
        if self.failed.is_none() {
            let table = F::table_mut(self.tables);
            match F::Kind::pack(F::Kind::as_ref(&value), None, table) {
                Ok(packed) => F::set_packed(&mut self.row, packed),
                Err(overflow) => self.failed = Some(StoreError::new::<R, F>(NAME, overflow)),
            }
        }
    }
}

/// A row is dropped: the buffer space of its values is dead.
struct Release<'a, R: Record> {
    row: &'a R::Packed,
    tables: &'a mut R::Tables,
}
impl<R: Record> LeafVisitor<R> for Release<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        F::Kind::packed_release(F::packed(self.row), F::table_mut(self.tables));
    }
}

/// Moves the live part of every buffer that is more than half dead into a fresh one.
struct Compact<'a, R: Record> {
    rows: &'a mut [R::Packed],
    tables: &'a mut R::Tables,
}
impl<R: Record> LeafVisitor<R> for Compact<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self)
    where
        F::Kind: Leaf,
    {
        let table = F::table_mut(self.tables);
        if F::Kind::compact_due(table) {
            let old = F::Kind::compact_begin(table);
            for row in self.rows.iter_mut() {
                let mut packed = F::packed(row);
                F::Kind::packed_compact(&mut packed, &old, table);
                F::set_packed(row, packed);
            }
        }
    }
}

impl<R: Record> Packed<R> {
    fn compact(&mut self) {
        R::each_leaf(&mut Compact::<R> {
            rows: &mut self.rows,
            tables: &mut self.tables,
        });
    }
}

/// Where a record is: its row, and the tables its fields may point into.
#[doc(hidden)]
pub type At<'a, R> = (&'a <R as Record>::Packed, &'a <R as Record>::Tables);

impl<R: Record> Store<R> for Packed<R> {
    const NAME: &'static str = NAME;
    const SUMMARY: &'static str = "#[repr(C, packed)] rows in one Vec: ids for interned strings, \
         u8 codes, (offset, len) into one buffer per field for other strings and lists";

    fn with_capacity(records: usize) -> Self {
        Packed {
            rows: Vec::with_capacity(records),
            ..Packed::default()
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn push(&mut self, record: R) -> Result<(), StoreError> {
        let mut pack = PackLeaves::<R> {
            row: R::Packed::default(),
            tables: &mut self.tables,
            failed: None,
        };
        record.scatter_leaves(&mut pack);
        if let Some(error) = pack.failed {
            // What the leaves before the failing one appended to the buffers is dead.
            let row = pack.row;
            R::each_leaf(&mut Release::<R> {
                row: &row,
                tables: &mut self.tables,
            });
            return Err(error);
        }
        self.rows.push(pack.row);
        Ok(())
    }

    fn get(&self, index: usize) -> R {
        record_at::<R, Self>(self.__at(index))
    }

    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
        let mut kept = 0;
        for index in 0..self.rows.len() {
            let row = self.rows[index];
            if keep(&Row::new((&row, &self.tables))) {
                self.rows[kept] = row;
                kept += 1;
            } else {
                R::each_leaf(&mut Release::<R> {
                    row: &row,
                    tables: &mut self.tables,
                });
            }
        }
        self.rows.truncate(kept);
        self.compact();
    }

    fn types() -> Vec<TypeInfo> {
        vec![R::part_info(Part::Packed)]
    }

    type At<'a> = At<'a, R>;

    #[inline(always)]
    fn __at(&self, index: usize) -> At<'_, R> {
        (&self.rows[index], &self.tables)
    }

    #[inline(always)]
    fn __read_at<'a, F: Field<R>>((row, tables): At<'a, R>) -> Ref<'a, R, F>
    where
        Self: 'a,
    {
        F::Kind::unpack(F::packed(row), F::table(tables))
    }

    #[inline(always)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        let row = &mut self.rows[index];
        let old = F::packed(row);
        match F::Kind::pack(value, Some(old), F::table_mut(&mut self.tables)) {
            Ok(packed) => F::set_packed(row, packed),
            Err(overflow) => setter_failed(StoreError::new::<R, F>(NAME, overflow)),
        }
        self.compact();
    }
}

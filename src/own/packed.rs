//! `packed` — one `Vec` of `#[repr(C, packed)]` rows: no padding at all.
//!
//! The row is the record's generated `<Name>Packed` struct: interned strings as ids of their
//! width, `bool`s and enums as a `u8` code, `char` as a `u32`, numbers as themselves. That
//! is as small as an array of whole records gets; the price is unaligned fields.
//!
//! A non-interned `String` is a [`TextSpan`] in the row — a `u32` offset and a `u32` length
//! into one text buffer that the store owns — rather than a 24-byte `String` with a heap
//! block of its own: 8 bytes in the row plus the text itself, and no allocation per record,
//! which is what a compact layout is for. Like an arena, the buffer only grows as strings
//! are dropped (`retain`) or overwritten (setters); when more than half of it is dead text
//! the store copies the live text into a fresh buffer, so the waste stays bounded. The
//! buffer holds at most `u32::MAX` bytes: a push beyond that is
//! [`StoreError::TextFull`].
//!
//! [`TextSpan`]: crate::own::kind::TextSpan

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, FieldVisitor, Kind, Part, Ref, Val};
use crate::own::{
    record_at, setter_failed, store_impl, try_scatter, Record, Row, Store, StoreError, TrySink,
};

pub(crate) const NAME: &str = "packed";

/// `#[repr(C, packed)]` rows (the record's generated `<Name>Packed`) in one `Vec`, the
/// intern tables, and the text of the non-interned strings.
pub struct Packed<R: Record> {
    rows: Vec<R::Packed>,
    tables: R::Tables,
    text: String,
    /// Bytes of `text` no row points at any more.
    dead_text: usize,
}

store_impl!(Default for Packed { rows, tables, text, dead_text });
store_impl!(Debug for Packed { rows, tables, text, dead_text });

/// Packs one record's fields into a row.
struct PackFields<'a, R: Record> {
    row: R::Packed,
    tables: &'a mut R::Tables,
    text: &'a mut String,
}

impl<R: Record> TrySink<R> for PackFields<'_, R> {
    #[inline(always)]
    fn try_put<F: Field<R>>(&mut self, value: &mut Val<R, F>) -> Result<(), StoreError> {
        let tables = F::table_mut(self.tables);
        let packed = F::Kind::pack(F::Kind::as_ref(value), tables, self.text)
            .map_err(|overflow| StoreError::new::<R, F>(NAME, overflow))?;
        F::set_packed(&mut self.row, packed);
        Ok(())
    }
}

/// Bytes of the text buffer a row points at.
struct TextLen<'a, R: Record>(&'a R::Packed, usize);
impl<R: Record> FieldVisitor<R> for TextLen<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self) {
        self.1 += F::Kind::text_len(F::packed(self.0));
    }
}

/// Copies a row's text from the old buffer to the new one.
struct MoveText<'a, R: Record> {
    row: &'a mut R::Packed,
    old: &'a str,
    new: &'a mut String,
}
impl<R: Record> FieldVisitor<R> for MoveText<'_, R> {
    #[inline(always)]
    fn visit<F: Field<R>>(&mut self) {
        let mut packed = F::packed(self.row);
        F::Kind::move_text(&mut packed, self.old, self.new);
        F::set_packed(self.row, packed);
    }
}

impl<R: Record> Packed<R> {
    #[inline(always)]
    fn text_len(row: &R::Packed) -> usize {
        let mut len = TextLen::<R>(row, 0);
        R::each_field(&mut len);
        len.1
    }

    /// Copies the live text into a fresh buffer once more than half the buffer is dead.
    fn collect_text(&mut self) {
        if self.dead_text == 0 || self.dead_text <= self.text.len() / 2 {
            return;
        }
        let old = std::mem::take(&mut self.text);
        let mut new = String::with_capacity(old.len() - self.dead_text);
        for row in &mut self.rows {
            R::each_field(&mut MoveText::<R> {
                row,
                old: &old,
                new: &mut new,
            });
        }
        self.text = new;
        self.dead_text = 0;
    }
}

/// Where a record is: its row, and the tables and text its fields may point into.
#[doc(hidden)]
pub type At<'a, R> = (
    &'a <R as Record>::Packed,
    &'a <R as Record>::Tables,
    &'a str,
);

impl<R: Record> Store<R> for Packed<R> {
    const NAME: &'static str = NAME;
    const SUMMARY: &'static str = "#[repr(C, packed)] rows in one Vec: ids for interned strings, \
         u8 codes, (offset, len) into one text buffer for other strings";

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
        let text_len = self.text.len();
        let mut pack = PackFields {
            row: R::Packed::default(),
            tables: &mut self.tables,
            text: &mut self.text,
        };
        if let Err(error) = try_scatter(record, &mut pack) {
            self.text.truncate(text_len);
            return Err(error);
        }
        self.rows.push(pack.row);
        Ok(())
    }

    fn get(&self, index: usize) -> R {
        record_at::<R, Self>(self.__at(index))
    }

    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
        let (tables, text) = (&self.tables, self.text.as_str());
        let mut dead = 0;
        self.rows.retain(|row| {
            let kept = keep(&Row::new((row, tables, text)));
            if !kept {
                dead += Self::text_len(row);
            }
            kept
        });
        self.dead_text += dead;
        self.collect_text();
    }

    fn types() -> Vec<TypeInfo> {
        vec![R::part_info(Part::Packed)]
    }

    type At<'a> = At<'a, R>;

    #[inline(always)]
    fn __at(&self, index: usize) -> At<'_, R> {
        (&self.rows[index], &self.tables, &self.text)
    }

    #[inline(always)]
    fn __read_at<'a, F: Field<R>>((row, tables, text): At<'a, R>) -> Ref<'a, R, F>
    where
        Self: 'a,
    {
        F::Kind::unpack(F::packed(row), F::table(tables), text)
    }

    #[inline(always)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        let row = &mut self.rows[index];
        let old = F::Kind::text_len(F::packed(row));
        match F::Kind::pack(value, F::table_mut(&mut self.tables), &mut self.text) {
            Ok(packed) => F::set_packed(row, packed),
            Err(overflow) => setter_failed(StoreError::new::<R, F>(NAME, overflow)),
        }
        if old > 0 {
            self.dead_text += old;
            self.collect_text();
        }
    }
}

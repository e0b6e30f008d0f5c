//! `hot_cold` — hot/cold splitting: the fields marked `#[record(cold)]` in one `Vec`, the
//! others in another.
//!
//! A record's hot part (the record's generated `<Name>Hot`) holds what workloads read
//! often; its cold part (`<Name>Cold`) what they rarely read. Scans of hot fields stride
//! over small hot parts only, and the cold bytes stay out of the cache; reading a cold
//! field costs a second array. Fields keep their Rust types (`String` as `String`), as in
//! `aos`. The layout exists only for records with at least one cold field.

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, Kind, Part, Ref};
use crate::own::{record_at, store_impl, Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "hot_cold";

/// The hot parts of the records in one `Vec`, their cold parts in another, index for index.
pub struct HotCold<R: Record> {
    hot: Vec<R::Hot>,
    cold: Vec<R::Cold>,
}

impl<R: Record> Default for HotCold<R> {
    /// # Panics
    ///
    /// As [`Store::with_capacity`].
    fn default() -> Self {
        HotCold::with_capacity(0)
    }
}

store_impl!(Debug for HotCold { hot, cold });

/// Where a record is: both arrays and its index.
#[doc(hidden)]
pub type At<'a, R> = (&'a [<R as Record>::Hot], &'a [<R as Record>::Cold], usize);

impl<R: Record> Store<R> for HotCold<R> {
    const NAME: &'static str = NAME;
    const SUMMARY: &'static str =
        "hot/cold split: #[record(cold)] fields in a second Vec, the rest in the first";

    /// # Panics
    ///
    /// If no field of `R` is `#[record(cold)]` (the record has no `hot_cold` layout, and
    /// [`Record::layouts`] does not list it).
    fn with_capacity(records: usize) -> Self {
        assert!(
            R::SCHEMA.has_cold(),
            "{} has no #[record(cold)] field, so it has no hot_cold layout",
            R::SCHEMA.name
        );
        HotCold {
            hot: Vec::with_capacity(records),
            cold: Vec::with_capacity(records),
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.hot.len()
    }

    fn push(&mut self, record: R) -> Result<(), StoreError> {
        let (hot, cold) = record.split();
        self.hot.push(hot);
        self.cold.push(cold);
        Ok(())
    }

    fn get(&self, index: usize) -> R {
        record_at::<R, Self>(self.__at(index))
    }

    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
        let mut kept = 0;
        for index in 0..self.hot.len() {
            if keep(&Row::new((&self.hot[..], &self.cold[..], index))) {
                if kept != index {
                    self.hot.swap(kept, index);
                    self.cold.swap(kept, index);
                }
                kept += 1;
            }
        }
        self.hot.truncate(kept);
        self.cold.truncate(kept);
    }

    fn types() -> Vec<TypeInfo> {
        vec![R::part_info(Part::Hot), R::part_info(Part::Cold)]
    }

    fn __applies() -> bool {
        R::SCHEMA.has_cold()
    }

    type At<'a> = At<'a, R>;

    #[inline(always)]
    fn __at(&self, index: usize) -> At<'_, R> {
        // No check here: both arrays hold `len` parts, so indexing the field's array checks.
        (&self.hot[..], &self.cold[..], index)
    }

    #[inline(always)]
    fn __read_at<'a, F: Field<R>>((hot, cold, index): At<'a, R>) -> Ref<'a, R, F>
    where
        Self: 'a,
    {
        F::Kind::as_ref(F::hot_cold(hot, cold, index))
    }

    #[inline(always)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
        F::Kind::assign(F::hot_cold_mut(&mut self.hot, &mut self.cold, index), value);
    }
}

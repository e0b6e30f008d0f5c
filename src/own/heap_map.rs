//! `heap_map` — one `HashMap<String, Value>` per record, with owned keys: the dict per
//! record of Python or of a parsed JSON object.
//!
//! Schema-free (a record could gain a field at run time), but every record owns a hash
//! table, one key string per field and its text values, and every field access is a hash
//! of the field's name and a lookup. A flattened record is a map of its own inside the
//! record's (a dict in a dict); an `Option`'s `None` is a null value; an array, a list or
//! an opaque value is one boxed object of its own type. Maps are hashed with [`FixedState`](crate::hash::FixedState) (std's
//! SipHash-1-3 with fixed seeds) like the built-in `heap_map`, so counts repeat exactly.

use std::fmt;
use std::marker::PhantomData;

use crate::inspect::TypeInfo;
#[doc(inline)]
pub use crate::own::kind::Value;
use crate::own::kind::{record_map, Field, Kind, Ref};
use crate::own::{record_at, Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "heap_map";

/// One record: field name to value.
pub use crate::own::kind::FieldMap;

/// A `Vec` of per-record hash maps.
pub struct HeapMap<R> {
    records: Vec<FieldMap>,
    record: PhantomData<fn() -> R>,
}

impl<R> Default for HeapMap<R> {
    fn default() -> Self {
        HeapMap {
            records: Vec::new(),
            record: PhantomData,
        }
    }
}

impl<R> fmt::Debug for HeapMap<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeapMap")
            .field("records", &self.records)
            .finish()
    }
}

impl<R: Record> Store<R> for HeapMap<R> {
    const NAME: &'static str = NAME;
    const SUMMARY: &'static str = "one HashMap<String, Value> per record, owned keys";

    fn with_capacity(records: usize) -> Self {
        HeapMap {
            records: Vec::with_capacity(records),
            record: PhantomData,
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.records.len()
    }

    fn push(&mut self, record: R) -> Result<(), StoreError> {
        self.records.push(record_map(record));
        Ok(())
    }

    fn get(&self, index: usize) -> R {
        record_at::<R, Self>(self.__at(index))
    }

    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
        self.records.retain(|map| keep(&Row::new(map)));
    }

    fn types() -> Vec<TypeInfo> {
        // A map has no fixed fields; what can be shown is what each entry holds.
        let (key, value) = (size_of::<String>(), size_of::<Value>());
        let entry = TypeInfo::from_spans(
            "(String, Value) map entry",
            size_of::<(String, Value)>(),
            align_of::<(String, Value)>(),
            vec![("key: String", 0..key), ("value: Value", key..key + value)],
        );
        let map = TypeInfo::from_spans(
            "HashMap<String, Value> (handle)",
            size_of::<FieldMap>(),
            align_of::<FieldMap>(),
            vec![("table", 0..size_of::<FieldMap>())],
        );
        vec![map, entry]
    }

    type At<'a>
        = &'a FieldMap
    where
        R: 'a;

    #[inline]
    fn __at(&self, index: usize) -> &FieldMap {
        &self.records[index]
    }

    #[inline]
    fn __read_at<'a, F: Field<R>>(map: &'a FieldMap) -> Ref<'a, R, F>
    where
        R: 'a,
    {
        F::Kind::from_dyn(F::dynamic(map))
    }

    #[inline]
    fn __write<F: Field<R>>(&mut self, index: usize, new: Ref<'_, R, F>) {
        *F::dynamic_mut(&mut self.records[index]) = F::Kind::to_dyn(new);
    }
}

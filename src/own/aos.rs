//! `aos` — array of structs: the records in one `Vec<R>`, exactly as the user wrote them.
//!
//! The idiomatic default and the baseline every other layout is judged against: a record
//! is `size_of::<R>()` bytes in one array (padding included, in the order the compiler
//! chose), and its `String`s are heap blocks of their own. A scan of one field strides over
//! whole records.

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, Kind, Ref};
use crate::own::{Record, Row, Store, StoreError};

pub(crate) const NAME: &str = "aos";

/// The records in one `Vec<R>`.
pub struct Aos<R> {
    records: Vec<R>,
}

/// The store impl of a `Vec` of records or of boxed records: the same code, because a
/// `Box<R>` reads like an `R`; what differs is the memory, which is the point of `boxed`.
macro_rules! vec_of_records {
    ($store:ident, $name:expr, $summary:expr, $wrap:expr) => {
        impl<R: Record> Store<R> for $store<R> {
            const NAME: &'static str = $name;
            const SUMMARY: &'static str = $summary;

            fn with_capacity(records: usize) -> Self {
                $store {
                    records: Vec::with_capacity(records),
                }
            }

            #[inline]
            fn len(&self) -> usize {
                self.records.len()
            }

            #[inline]
            fn push(&mut self, record: R) -> Result<(), StoreError> {
                #[allow(clippy::redundant_closure_call)]
                self.records.push(($wrap)(record));
                Ok(())
            }

            fn get(&self, index: usize) -> R {
                R::clone(&self.records[index])
            }

            #[inline]
            fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, mut keep: K) {
                self.records.retain(|record| {
                    let record: &R = ::core::borrow::Borrow::borrow(record);
                    keep(&Row::new(record))
                });
            }

            fn types() -> Vec<TypeInfo> {
                vec![R::type_info()]
            }

            type At<'a>
                = &'a R
            where
                R: 'a;

            #[inline(always)]
            fn __at(&self, index: usize) -> &R {
                &self.records[index]
            }

            #[inline(always)]
            fn __read_at<'a, F: Field<R>>(at: &'a R) -> Ref<'a, R, F>
            where
                R: 'a,
            {
                F::Kind::as_ref(F::of(at))
            }

            #[inline(always)]
            fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>) {
                F::Kind::assign(F::of_mut(&mut self.records[index]), value)
            }
        }

        impl<R> Default for $store<R> {
            fn default() -> Self {
                $store {
                    records: Vec::new(),
                }
            }
        }

        impl<R: std::fmt::Debug> std::fmt::Debug for $store<R> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($store))
                    .field("records", &self.records)
                    .finish()
            }
        }
    };
}

pub(crate) use vec_of_records;

vec_of_records!(
    Aos,
    NAME,
    "Vec<R>: the records as written, natural alignment, Strings on the heap",
    |record| record
);

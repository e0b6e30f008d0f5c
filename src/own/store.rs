//! The traits a workload is written against: [`Store`] (one layout of a record), [`Row`]
//! (one record inside `retain`), [`StoreFn`] (a layout chosen by name) and [`Workload`];
//! and what the layouts' stores share in implementing them (`record_at`, `store_impl!`).

use std::fmt;
use std::marker::PhantomData;

use crate::inspect::TypeInfo;
use crate::own::kind::{Field, FieldSource, Kind, Ref, Val};
use crate::own::{Record, StoreError};

/// One layout of a record: all its records, in store order.
///
/// Written against this trait (through the accessors the derive generates), a workload
/// runs on every layout with static dispatch. Fields are read with `store.x(i)` and written
/// with `store.set_x(i, v)`; indexes run over `0..store.len()` in store order.
///
/// # Examples
///
/// ```
/// use layoutlab::{Record, Store};
/// use layoutlab::own::Packed;
///
/// #[derive(Record, Clone, Debug, PartialEq)]
/// pub struct Point { pub x: i32, pub y: i32, #[record(intern = u8)] pub label: String }
///
/// let mut points = Packed::<Point>::with_capacity(2);
/// points.push(Point { x: 1, y: 2, label: "a".into() }).unwrap();
/// points.push(Point { x: 3, y: 4, label: "b".into() }).unwrap();
/// points.set_y(1, 40);
/// points.retain(|p| p.label() != "a");
/// assert_eq!(points.get(0), Point { x: 3, y: 40, label: "b".into() });
/// ```
pub trait Store<R: Record>: Sized {
    /// The layout's registry name (`"soa"`, …).
    const NAME: &'static str;
    /// One line saying what the layout is.
    const SUMMARY: &'static str;

    /// An empty store with room for `records` records where the layout can reserve it.
    fn with_capacity(records: usize) -> Self;

    /// A store holding `records`, in order.
    ///
    /// # Errors
    ///
    /// As [`Store::push`].
    fn from_records<I: IntoIterator<Item = R>>(records: I) -> Result<Self, StoreError> {
        let records = records.into_iter();
        let mut store = Self::with_capacity(records.size_hint().0);
        for record in records {
            store.push(record)?;
        }
        Ok(store)
    }

    /// An empty store with room for `records` records, laid out by `plan` where the layout
    /// takes one (`proposed`; every other layout has its layout from the record).
    #[doc(hidden)]
    fn __with_plan(records: usize, _plan: Option<&crate::own::Plan>) -> Self {
        Self::with_capacity(records)
    }

    /// How many records the store holds.
    fn len(&self) -> usize;

    /// Whether the store holds no record.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a record.
    ///
    /// # Errors
    ///
    /// [`StoreError::InternFull`] when an interned field meets one distinct value more than
    /// its id type holds (layouts that intern only); the store is unchanged then.
    fn push(&mut self, record: R) -> Result<(), StoreError>;

    /// A copy of the record at `index`.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    fn get(&self, index: usize) -> R;

    /// Keeps only the records for which `keep` returns true, in order. `keep` sees each
    /// record once, as a [`Row`] with the same getters as the store, without the index
    /// (`trades.retain(|t| t.qty() >= 100)`).
    fn retain<K: FnMut(&Row<'_, R, Self>) -> bool>(&mut self, keep: K);

    /// The in-memory types the layout is made of, for `inspect`.
    fn types() -> Vec<TypeInfo>;

    /// Where one record is, for reading it through a [`Row`].
    #[doc(hidden)]
    type At<'a>: Copy
    where
        Self: 'a;

    /// Whether the layout exists for records of type `R`.
    #[doc(hidden)]
    fn __applies() -> bool {
        true
    }

    /// Where record `index` is.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    #[doc(hidden)]
    fn __at(&self, index: usize) -> Self::At<'_>;

    /// Reads field `F` of the record at `at`.
    #[doc(hidden)]
    fn __read_at<'a, F: Field<R>>(at: Self::At<'a>) -> Ref<'a, R, F>
    where
        Self: 'a;

    /// Writes field `F` of record `index`.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`, or if `F` is interned and `value` would be one distinct
    /// value more than its id type holds.
    #[doc(hidden)]
    fn __write<F: Field<R>>(&mut self, index: usize, value: Ref<'_, R, F>);

    /// Reads field `F` of record `index`.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    #[doc(hidden)]
    #[inline(always)]
    fn __read<F: Field<R>>(&self, index: usize) -> Ref<'_, R, F> {
        Self::__read_at::<F>(self.__at(index))
    }
}

/// One record of a store, as [`Store::retain`] shows it: the getters of the store without
/// the index (`row.price()`), from the generated `<Name>RowFields` trait.
pub struct Row<'a, R: Record, S: Store<R> + 'a> {
    at: S::At<'a>,
    record: PhantomData<fn() -> R>,
}

impl<'a, R: Record, S: Store<R> + 'a> Row<'a, R, S> {
    #[inline(always)]
    pub(crate) fn new(at: S::At<'a>) -> Self {
        Row {
            at,
            record: PhantomData,
        }
    }
}

impl<'a, R: Record, S: Store<R> + 'a> fmt::Debug for Row<'a, R, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Row<{}, {}>", R::SCHEMA.name, S::NAME)
    }
}

/// Reads field `F` of a row (what the generated `<Name>RowFields` getters call).
#[doc(hidden)]
#[inline(always)]
pub fn read_row<'a, R: Record, S: Store<R> + 'a, F: Field<R>>(
    row: &Row<'a, R, S>,
) -> Ref<'a, R, F> {
    S::__read_at::<F>(row.at)
}

/// A copy of the record at `at`, read back field by field: [`Store::get`] of every layout
/// that does not keep the user's struct itself.
#[inline]
pub(crate) fn record_at<'a, R: Record, S: Store<R> + 'a>(at: S::At<'a>) -> R {
    /// Hands `R::build` each field as the store reads it.
    struct Fields<'a, R: Record, S: Store<R> + 'a>(S::At<'a>);

    impl<'a, R: Record, S: Store<R> + 'a> FieldSource<R> for Fields<'a, R, S> {
        #[inline(always)]
        fn take<F: Field<R>>(&mut self) -> Val<R, F> {
            F::Kind::to_value(S::__read_at::<F>(self.0))
        }
    }

    R::build(&mut Fields::<R, S>(at))
}

/// Something to do with one layout's store type in hand, returning a value: how generic
/// code reaches a layout chosen by name ([`Record::for_layout`]) without `dyn`.
///
/// # Examples
///
/// ```
/// use layoutlab::{Record, Store, StoreFn};
///
/// #[derive(Record, Clone, Debug, PartialEq)]
/// pub struct Reading { pub value: f64, #[record(cold)] pub note: String }
///
/// /// Builds the store and sums `value`.
/// struct Sum(Vec<Reading>);
/// impl StoreFn<Reading> for Sum {
///     type Out = f64;
///     fn call<S: Store<Reading>>(self) -> f64 {
///         let store = S::from_records(self.0).unwrap();
///         (0..store.len()).map(|i| store.value(i)).sum()
///     }
/// }
///
/// let data = vec![Reading { value: 1.5, note: String::new() }; 4];
/// for layout in Reading::layouts() {
///     assert_eq!(Reading::for_layout(layout.name, Sum(data.clone())), Some(6.0));
/// }
/// assert_eq!(Reading::for_layout("nope", Sum(data)), None);
/// ```
pub trait StoreFn<R: Record> {
    /// What the call returns.
    type Out;
    /// Does the work with store type `S`.
    fn call<S: Store<R>>(self) -> Self::Out;
}

/// A workload over records of type `R`: written once, run on every layout with static
/// dispatch. Its output must be equal across layouts (the harness checks it).
pub trait Workload<R: Record> {
    /// What the workload computes.
    type Output: PartialEq + fmt::Debug;
    /// Runs the workload over `store`, which it may change.
    fn run<S: Store<R>>(&self, store: &mut S) -> Self::Output;
}

/// `Default` (each field's default) or `Debug` (each field) for a store over records `R`:
/// what `#[derive]` would write, without the `R: Default` or `R: Debug` bound it would add
/// and no store needs.
macro_rules! store_impl {
    (Default for $store:ident { $($field:ident),* }) => {
        impl<R: Record> Default for $store<R> {
            fn default() -> Self {
                $store {
                    $($field: Default::default()),*
                }
            }
        }
    };
    (Debug for $store:ident { $($field:ident),* }) => {
        impl<R: Record> std::fmt::Debug for $store<R> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($store))
                    $(.field(stringify!($field), &self.$field))*
                    .finish()
            }
        }
    };
}

pub(crate) use store_impl;

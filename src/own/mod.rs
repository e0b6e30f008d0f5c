//! Your own record: derive [`Record`] on your struct and measure it in every layout.
//!
//! The built-in layouts of [`crate::layouts`] hold one record, the sensor reading. This
//! module holds any record: `#[derive(Record)]` describes the struct's fields and generates
//! the parts each layout is made of (a columns struct for `soa`, a `#[repr(C, packed)]` row
//! for `packed`, …); the layouts themselves are written once here, one file each, generic
//! over the record. A workload is written once too, generic over [`Store<R>`], and reads
//! fields through accessors named after them (`trades.price(i)`), statically dispatched:
//! every access compiles to a direct load from the layout's memory.
//!
//! | layout | store | what it is |
//! |---|---|---|
//! | `aos` | [`Aos<R>`] | `Vec<R>`: the idiomatic default |
//! | `boxed` | [`Boxed<R>`] | `Vec<Box<R>>`: one heap object per record |
//! | `soa` | [`Soa<R>`] | one `Vec` per field; interned strings as ids |
//! | `packed` | [`Packed<R>`] | `#[repr(C, packed)]` rows in one `Vec`, ids, codes, text spans |
//! | `heap_map` | [`HeapMap<R>`] | one `HashMap<String, Value>` per record |
//! | `arena` | [`Arena<R>`] | records and their strings bump-allocated in a `bumpalo::Bump` |
//! | `hot_cold` | [`HotCold<R>`] | non-cold fields in one `Vec`, `#[record(cold)]` ones in another |
//! | `aosoa` | [`Aosoa<R>`] | blocks of 8 records, one array per field per block |
//!
//! Interned strings (`#[record(intern = u16)]`) are stored as ids in the compact layouts
//! (`soa`, `packed`, `aosoa`), each with its intern table, and as text everywhere else.
//!
//! # Examples
//!
//! ```
//! use layoutlab::{Record, Scalar, Store, Workload};
//!
//! #[derive(Record, Clone, Debug, PartialEq)]
//! pub struct Trade {
//!     #[record(intern = u16)]
//!     pub symbol: String,
//!     pub price: f64,
//!     pub qty: u32,
//!     pub side: Side,
//!     #[record(cold)]
//!     pub venue: String,
//!     pub ts: i64,
//! }
//!
//! #[derive(Scalar, Clone, Copy, Debug, PartialEq)]
//! pub enum Side { Buy, Sell }
//!
//! /// Volume-weighted average price: written once, for every layout.
//! struct Vwap;
//! impl Workload<Trade> for Vwap {
//!     type Output = f64;
//!     fn run<S: Store<Trade>>(&self, trades: &mut S) -> f64 {
//!         let (mut pv, mut v) = (0.0, 0.0);
//!         for i in 0..trades.len() {
//!             pv += trades.price(i) * trades.qty(i) as f64;
//!             v += trades.qty(i) as f64;
//!         }
//!         pv / v
//!     }
//! }
//!
//! let trades = (0..100).map(|i| Trade {
//!     symbol: format!("S{}", i % 7),
//!     price: 10.0 + i as f64,
//!     qty: 100 + i,
//!     side: if i % 2 == 0 { Side::Buy } else { Side::Sell },
//!     venue: "XNAS".to_owned(),
//!     ts: i64::from(i),
//! });
//!
//! let mut soa = layoutlab::own::Soa::<Trade>::from_records(trades.clone()).unwrap();
//! let mut aos = layoutlab::own::Aos::<Trade>::from_records(trades).unwrap();
//! assert_eq!(Vwap.run(&mut soa), Vwap.run(&mut aos));
//! assert_eq!(soa.symbol(3), "S3");
//! ```

pub mod aos;
pub mod aosoa;
pub mod arena;
pub mod boxed;
pub mod counting;
pub mod heap_map;
pub mod hot_cold;
#[doc(hidden)]
pub mod kind;
pub mod packed;
pub mod scalar;
pub mod schema;
pub mod soa;

use std::fmt;
use std::marker::PhantomData;

use crate::inspect::TypeInfo;
use crate::intern::Full;

pub use self::aos::Aos;
pub use self::aosoa::Aosoa;
pub use self::arena::Arena;
pub use self::boxed::Boxed;
pub use self::counting::{Counting, FieldCounts};
pub use self::heap_map::HeapMap;
pub use self::hot_cold::HotCold;
pub use self::packed::Packed;
pub use self::scalar::Scalar;
pub use self::schema::{FieldKind, FieldSchema, InternWidth, Schema};
pub use self::soa::Soa;

use self::kind::{Field, FieldSink, FieldSource, FieldVisitor, Overflow, Part, Ref};

/// A struct whose records layoutlab can hold in every layout. Derive it:
/// `#[derive(layoutlab::Record)]`.
///
/// Fields may be `bool`, any integer, `f32`, `f64`, `char`, `String`, or a fieldless enum
/// that derives [`Scalar`]. Two attributes tune the layouts:
///
/// - `#[record(intern)]` or `#[record(intern = u8|u16|u32)]` on a `String` field with few
///   distinct values: the compact layouts (`soa`, `packed`, `aosoa`) store an id of that
///   width (default `u16`) and keep each distinct value once. More distinct values than
///   the id holds is an error ([`StoreError::InternFull`]), never a wrap.
/// - `#[record(cold)]` on a rarely read field: the `hot_cold` layout stores it apart.
///
/// The derive also generates two traits named after the struct, `<Name>Fields` (getters
/// `x(i)` and setters `set_x(i, v)` on every [`Store`] of the record) and
/// `<Name>RowFields` (getters `x()` on a [`Row`] in [`Store::retain`]). They are in scope
/// in the module that defines the struct; elsewhere import them with the struct
/// (`use crate::trades::{Trade, TradeFields, TradeRowFields};`).
///
/// Everything `#[doc(hidden)]` here is implemented by the derive for the layouts; writing
/// it by hand is not supported.
pub trait Record: Sized + Clone + 'static {
    /// The record's name and fields.
    const SCHEMA: &'static Schema;

    /// Calls `f(field_index, text)` for each `String` field, in declaration order
    /// (`field_index` indexes [`Schema::fields`]), so a harness can count distinct values
    /// and lengths per field.
    fn visit_strings(&self, f: impl FnMut(usize, &str));

    /// The layouts this record can be held in, in registry order (`hot_cold` only when a
    /// field is `#[record(cold)]`).
    fn layouts() -> Vec<StoreInfo> {
        registry::layouts::<Self>()
    }

    /// Calls `f` with the store type of the layout called `name`; `None` if this record
    /// has no such layout.
    fn for_layout<F: StoreFn<Self>>(name: &str, f: F) -> Option<F::Out> {
        registry::for_layout::<Self, F>(name, f)
    }

    /// Size, alignment, field offsets and padding of the user's struct (with the field
    /// order that would remove its padding, when it is `#[repr(C)]`).
    fn type_info() -> TypeInfo {
        Self::part_info(Part::Record)
    }

    #[doc(hidden)]
    type Columns: Default + fmt::Debug;
    #[doc(hidden)]
    type Tables: Default + fmt::Debug + Clone;
    #[doc(hidden)]
    type Packed: Copy + Default + fmt::Debug;
    #[doc(hidden)]
    type ArenaRow: Copy + Default + fmt::Debug;
    #[doc(hidden)]
    type Hot: Default + fmt::Debug;
    #[doc(hidden)]
    type Cold: Default + fmt::Debug;
    #[doc(hidden)]
    type Block: Default + fmt::Debug;

    /// Calls `v.visit::<F>()` for every field, in declaration order.
    #[doc(hidden)]
    fn each_field<V: FieldVisitor<Self>>(v: &mut V);
    /// Builds a record from one value per field.
    #[doc(hidden)]
    fn build<S: FieldSource<Self>>(source: &mut S) -> Self;
    /// Hands every field to `sink`, in declaration order.
    #[doc(hidden)]
    fn scatter<S: FieldSink<Self>>(self, sink: &mut S);
    /// The layout of one of the generated parts (or of the user's struct).
    #[doc(hidden)]
    fn part_info(part: Part) -> TypeInfo;
}

/// A record's field could not be stored in a layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An interned field met more distinct values than its id type holds.
    #[error(
        "layout `{layout}`: field `{record}.{field}` holds at most {limit} distinct values \
         ({id_type} ids); this input has more"
    )]
    InternFull {
        /// The layout's name.
        layout: &'static str,
        /// The record type's name.
        record: &'static str,
        /// The field's name.
        field: &'static str,
        /// The id type (`"u8"`, `"u16"`, `"u32"`).
        id_type: &'static str,
        /// How many distinct values the id type holds.
        limit: usize,
    },
    /// The `packed` layout's text buffer for non-interned strings would pass its limit.
    #[error(
        "layout `{layout}`: field `{record}.{field}`: the text of all non-interned strings \
         is limited to {limit} bytes (u32 offsets)"
    )]
    TextFull {
        /// The layout's name.
        layout: &'static str,
        /// The record type's name.
        record: &'static str,
        /// The field's name.
        field: &'static str,
        /// The most bytes the buffer holds.
        limit: usize,
    },
}

impl StoreError {
    /// The error for field `F` of `R` in layout `layout`.
    pub(crate) fn new<R: Record, F: Field<R>>(layout: &'static str, overflow: Overflow) -> Self {
        match overflow {
            Overflow::Intern(full) => Self::intern::<R, F>(layout, full),
            Overflow::Text { limit } => StoreError::TextFull {
                layout,
                record: R::SCHEMA.name,
                field: F::NAME,
                limit,
            },
        }
    }

    pub(crate) fn intern<R: Record, F: Field<R>>(layout: &'static str, full: Full) -> Self {
        StoreError::InternFull {
            layout,
            record: R::SCHEMA.name,
            field: F::NAME,
            id_type: full.type_name,
            limit: full.capacity,
        }
    }
}

/// A setter could not store its value: a broken promise of the caller, so a panic whose
/// message names the field (see `# Panics` on the generated setters).
#[cold]
#[inline(never)]
pub(crate) fn setter_failed(error: StoreError) -> ! {
    panic!("{error}")
}

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

/// The name and summary of one layout of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StoreInfo {
    /// The registry name (`"soa"`, …).
    pub name: &'static str,
    /// One line saying what the layout is.
    pub summary: &'static str,
}

/// The layouts of every record, listed once: each layout's file (`src/own/<name>.rs`)
/// holds its store type and its `NAME`.
mod registry {
    use super::*;

    macro_rules! registry {
        ($($module:ident :: $store:ident),* $(,)?) => {
            /// Every layout's name, in registry order, whether or not a given record has it.
            pub const NAMES: &[&str] = &[$($module::NAME),*];

            pub(super) fn layouts<R: Record>() -> Vec<StoreInfo> {
                let mut out = Vec::new();
                $(if <$store<R> as Store<R>>::__applies() {
                    out.push(StoreInfo {
                        name: <$store<R> as Store<R>>::NAME,
                        summary: <$store<R> as Store<R>>::SUMMARY,
                    });
                })*
                out
            }

            pub(super) fn for_layout<R: Record, F: StoreFn<R>>(name: &str, f: F) -> Option<F::Out> {
                $(if name == <$store<R> as Store<R>>::NAME && <$store<R> as Store<R>>::__applies() {
                    return Some(f.call::<$store<R>>());
                })*
                None
            }
        };
    }

    registry!(
        aos::Aos,
        boxed::Boxed,
        soa::Soa,
        packed::Packed,
        heap_map::HeapMap,
        arena::Arena,
        hot_cold::HotCold,
        aosoa::Aosoa,
    );
}

/// Every layout's name, in registry order (a record without `#[record(cold)]` fields has
/// all of them but `hot_cold`; see [`Record::layouts`]).
pub const LAYOUT_NAMES: &[&str] = registry::NAMES;

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_the_registry_names() {
        assert_eq!(
            super::LAYOUT_NAMES,
            ["aos", "boxed", "soa", "packed", "heap_map", "arena", "hot_cold", "aosoa"]
        );
    }
}

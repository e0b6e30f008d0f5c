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
//! This file holds [`Record`]; the traits a workload is written against are in `store.rs`,
//! the errors in `error.rs`, the list of layouts in `registry.rs`, and how each kind of
//! field lives in each layout (the derive's side) in `kind/`.
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
mod attributes;
pub mod boxed;
pub mod counting;
mod error;
pub mod grouped;
pub mod heap_map;
pub mod hot_cold;
#[doc(hidden)]
pub mod kind;
pub mod packed;
pub mod proposed;
mod registry;
#[doc(hidden)]
pub mod rows;
pub mod schema;
pub mod soa;
mod store;

use std::fmt;

use crate::inspect::TypeInfo;

pub use self::aos::Aos;
pub use self::aosoa::Aosoa;
pub use self::arena::Arena;
pub(crate) use self::attributes::paste;
pub use self::boxed::Boxed;
pub use self::counting::{Counting, FieldCounts};
pub use self::error::StoreError;
pub(crate) use self::error::{catch_setter, setter_failed};
pub use self::grouped::Grouped;
pub use self::heap_map::HeapMap;
pub use self::hot_cold::HotCold;
pub use self::kind::scalar;
pub use self::kind::{Observer, Scalar, Strs};
pub use self::packed::Packed;
pub use self::proposed::{Plan, PlanField, PlanGroup, Planned, Proposed};
pub use self::registry::{StoreInfo, LAYOUT_NAMES};
pub use self::schema::{FieldKind, FieldSchema, InternWidth, LeafSchema, Schema};
pub use self::soa::Soa;
#[doc(hidden)]
pub use self::store::read_row;
pub(crate) use self::store::{record_at, store_impl};
pub use self::store::{Row, Store, StoreFn, Workload};

use self::kind::{FieldSink, FieldSource, FieldVisitor, LeafSink, LeafVisitor, Part};

/// A struct whose records layoutlab can hold in every layout. Derive it:
/// `#[derive(layoutlab::Record)]`.
///
/// Fields may be `bool`, any integer, `f32`, `f64`, `char`, `String`, a fieldless enum that
/// derives [`Scalar`], `Option` of any of those, `[T; N]`, `Vec<T>` and `Box<[T]>` of a
/// scalar `T`, `Vec<String>`, a nested record (`#[record(flatten)]`) or any other type
/// (`#[record(opaque)]`); the guide's *Your own record* page says how each layout holds
/// each. Attributes tune the layouts:
///
/// - `#[record(intern)]` or `#[record(intern = u8|u16|u32)]` on a `String`,
///   `Option<String>` or `Vec<String>` field with few distinct values: the compact layouts
///   (`soa`, `packed`, `aosoa`) store an id of that width (default `u16`) and keep each
///   distinct value once. More distinct values than the id holds is an error
///   ([`StoreError::InternFull`]), never a wrap.
/// - `#[record(cold)]` on a rarely read field: the `hot_cold` layout stores it apart.
/// - `#[record(flatten)]` on a field whose type derives `Record`: its fields become the
///   outer record's (`pos_lat(i)` beside `pos(i)`).
/// - `#[record(opaque)]` on a field of any other `Clone + Debug + PartialEq` type: stored
///   as itself in every layout.
///
/// The derive also generates two traits named after the struct, `<Name>Fields` (getters
/// `x(i)` and setters `set_x(i, v)` on every [`Store`] of the record) and
/// `<Name>RowFields` (getters `x()` on a [`Row`] in [`Store::retain`]). They are in scope
/// in the module that defines the struct; elsewhere import them with the struct
/// (`use crate::trades::{Trade, TradeFields, TradeRowFields};`).
///
/// Everything `#[doc(hidden)]` here is implemented by the derive for the layouts; writing
/// it by hand is not supported.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not derive layoutlab::Record",
    label = "a #[record(flatten)] field's type must be a record",
    note = "add #[derive(layoutlab::Record)] to `{Self}`, or keep the field as it is with #[record(opaque)]"
)]
pub trait Record: Sized + Clone + 'static {
    /// The record's name and fields.
    const SCHEMA: &'static Schema;
    /// How many leaf fields the record has: its fields, a flattened record's counted as
    /// its own leaves.
    const LEAVES: usize;
    /// Each leaf's byte offset in the record's `packed` row.
    #[doc(hidden)]
    const PACKED_OFFSETS: &'static [usize];
    /// The compiled `grouped` layout: each leaf's place and each group's row bytes (empty:
    /// no field has a `group` attribute, so the record has no such layout).
    #[doc(hidden)]
    const GROUPED: (&'static [rows::Place], &'static [usize]) = (&[], &[]);
    /// The names of the `grouped` layout's groups.
    #[doc(hidden)]
    const GROUP_NAMES: &'static [&'static str] = &[];

    /// Tells `observer` what each leaf field of this record holds (texts, `None`s, list
    /// lengths, integers), so that a harness can gather statistics of the data.
    fn observe(&self, observer: &mut dyn Observer) {
        kind::observe_record(self, observer);
    }

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
    type Hot: fmt::Debug;
    #[doc(hidden)]
    type Cold: fmt::Debug;
    #[doc(hidden)]
    type Block: Default + fmt::Debug;

    /// Calls `v.visit::<F>()` for every field, in declaration order.
    #[doc(hidden)]
    fn each_field<V: FieldVisitor<Self>>(v: &mut V);
    /// Calls `v.visit::<F>()` for every leaf field, in declaration order (a flattened
    /// field's leaves in its place).
    #[doc(hidden)]
    fn each_leaf<V: LeafVisitor<Self>>(v: &mut V);
    /// Builds a record from one value per field.
    #[doc(hidden)]
    fn build<S: FieldSource<Self>>(source: &mut S) -> Self;
    /// Hands every field to `sink`, moved, in declaration order.
    #[doc(hidden)]
    fn scatter<S: FieldSink<Self>>(self, sink: &mut S);
    /// Hands every leaf field to `sink`, moved, in declaration order.
    #[doc(hidden)]
    fn scatter_leaves<S: LeafSink<Self>>(self, sink: &mut S);
    /// The record's hot and cold parts (records with a `#[record(cold)]` field only).
    #[doc(hidden)]
    fn split(self) -> (Self::Hot, Self::Cold);
    /// The layout of one of the generated parts (or of the user's struct).
    #[doc(hidden)]
    fn part_info(part: Part) -> TypeInfo;
}

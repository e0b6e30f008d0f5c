//! The machinery between `#[derive(Record)]` and the layouts: how each kind of field is
//! stored in each layout, and how a layout reaches one field of the user's record.
//!
//! A field's *kind* says, once, how values of that kind live in every layout: [`Kind`] for
//! reading and writing one value (what a getter returns, what a setter takes), [`Leaf`] for
//! what a store does to whole records (push, move, truncate, drop, compact its buffers).
//! Each kind is a file of its own: `scalar.rs` (numbers, `bool`, `char`, enums),
//! `string.rs` (plain and interned `String`), `option.rs` (`Option<T>`: a validity bitmap
//! beside the values), `array.rs` (`[T; N]`), `list.rs` (`Vec<T>`, `Box<[T]>`: spans into one
//! values buffer), `strings.rs` (`Vec<String>`), `flatten.rs` (a nested record whose fields
//! become the outer record's) and `opaque.rs` (any other type, stored as itself). The
//! layouts (one file each in `src/own/`) are written once, generic over [`Field`] and the
//! kinds, and never name a kind: everything is statically dispatched and inlines to a
//! direct load.
//!
//! [`Field<R>`] is implemented by the derive for one zero-sized [`FieldNo<N>`] per field: it
//! only points at the field inside each of the record's generated parts (`&columns.price`),
//! and [`Nested`] composes two of them to reach a field of a flattened record.
//!
//! Everything here is `#[doc(hidden)]` (reached through `layoutlab::__private`): the derive's
//! business, not the user's, except the view types a getter can return ([`Strs`]).

mod array;
mod dynamic;
mod field;
mod flatten;
mod list;
mod narrow;
mod opaque;
mod option;
pub mod scalar;
mod string;
mod strings;

use std::fmt::Debug;

use bumpalo::Bump;

use crate::intern::Full;
use crate::own::{Record, Store};

pub use self::array::{Array, ArrayLanes, PackedArray};
pub use self::dynamic::{dyn_field, dyn_field_mut, DynValue, FieldMap, Value};
pub use self::field::{
    Column, Field, FieldNo, FieldSink, FieldSource, FieldVisitor, Lanes, LeafSink, LeafVisitor,
    Nested, NestedSink, NestedVisitor, Packed, Part, Ref, Slot, Table, Val,
};
pub(crate) use self::flatten::{observe_record, record_map};
pub use self::flatten::{Flat, FlatRecord};
pub use self::list::{ArenaSlice, List, ListBuf, ListValue, Span};
pub use self::narrow::Narrow;
pub use self::opaque::{Opaque, OpaqueBuf, OpaqueValue};
pub use self::option::{Bitmap, Opt, OptColumn, OptLanes, Optional, Present};
pub use self::scalar::{Scalar, ScalarLanes};
pub use self::string::{ArenaStr, Interned, TextBuf, TextSpan, TEXT_LIMIT};
pub use self::strings::{StrList, StrListBuf, StrText, Strs};

/// Records per block of the `aosoa` layout.
pub const LANES: usize = 8;

/// Why a value could not be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overflow {
    /// An interned field ran out of ids.
    Intern(Full),
    /// A buffer of one field (the `packed` text, a list's values) would pass what a `u32`
    /// offset reaches.
    Buffer {
        /// The most elements the buffer holds.
        limit: usize,
    },
    /// An integer that a layout keeps in fewer bytes than its type does not fit them.
    Narrow {
        /// The value.
        value: i128,
        /// The bytes kept.
        bytes: u8,
        /// Whether they are read as signed.
        signed: bool,
    },
    /// The same, in a field of a flattened record: the inner field's name first.
    In(&'static str, Box<Overflow>),
}

impl Overflow {
    /// The path of the field that overflowed below the one that reported it (`""` when it
    /// is that field itself), and the overflow itself.
    pub fn innermost(&self) -> (String, &Overflow) {
        match self {
            Overflow::In(name, inner) => {
                let (path, innermost) = inner.innermost();
                let path = if path.is_empty() {
                    (*name).to_owned()
                } else {
                    format!("{name}.{path}")
                };
                (path, innermost)
            }
            other => (String::new(), other),
        }
    }
}

/// What a field holds, told value by value to whoever gathers statistics of the data (the
/// harness's advice: distinct strings, the share of `None`, list lengths, integer ranges).
/// `leaf` numbers the record's leaf fields (a flattened record's fields each count).
pub trait Observer {
    /// A text value.
    fn text(&mut self, _leaf: usize, _text: &str) {}
    /// Whether an `Option` field is `Some`.
    fn present(&mut self, _leaf: usize, _present: bool) {}
    /// The length of a list.
    fn len(&mut self, _leaf: usize, _len: usize) {}
    /// An integer value (every integer type, widened).
    fn int(&mut self, _leaf: usize, _value: i128) {}
    /// A float that is NaN.
    fn nan(&mut self, _leaf: usize) {}
    /// Bytes on the heap that the value owns in the user's struct (a `String`'s text, a
    /// `Vec`'s elements): what `aos` holds beyond `size_of` the record.
    fn heap(&mut self, _leaf: usize, _bytes: usize) {}
}

/// How one kind of value is read and written in every layout: through the user's struct
/// (`aos`, `boxed`, `hot_cold`), a `soa` column, an `aosoa` block's lanes, a `packed` row,
/// an `arena` slot and a `heap_map` dynamic value. Each layout part has a *table* beside
/// it, shared by the compact layouts (`soa`, `packed`, `aosoa`) and `arena`: the intern
/// table of an interned string, the values buffer of a list, `()` for a number.
pub trait Kind: 'static {
    /// The type in the user's struct.
    type Value: Clone + Debug;
    /// What a read returns: the value for a scalar, `&str` for a string, `&[T]` for a list.
    type Ref<'a>: Clone + Debug + PartialEq;
    /// The side table of the compact layouts and `arena`.
    type Table: Default + Debug + Clone;
    /// A `soa` column.
    type Column: Default + Debug;
    /// An `aosoa` block's lanes: the field of [`LANES`] consecutive records.
    type Lanes: Default + Debug;
    /// The field in a `packed` row.
    type Packed: Copy + Default + Debug;
    /// The field in an `arena` row.
    type Slot: Copy + Debug;
    /// Leaf fields this field is: 1, or a flattened record's count.
    const LEAVES: usize = 1;

    /// Reads a value of the user's struct.
    fn as_ref(value: &Self::Value) -> Self::Ref<'_>;
    /// Overwrites a value of the user's struct (a `String` or `Vec` keeps its buffer).
    fn assign(value: &mut Self::Value, x: Self::Ref<'_>);
    /// An owned copy of what a read returned.
    fn to_value(x: Self::Ref<'_>) -> Self::Value;

    /// Reads record `i` of a `soa` column.
    fn col_get<'a>(col: &'a Self::Column, i: usize, table: &'a Self::Table) -> Self::Ref<'a>;
    /// Overwrites record `i` of a `soa` column.
    fn col_set(
        col: &mut Self::Column,
        i: usize,
        x: Self::Ref<'_>,
        table: &mut Self::Table,
    ) -> Result<(), Overflow>;
    /// Reads lane `lane` of an `aosoa` block.
    fn lane_get<'a>(lanes: &'a Self::Lanes, lane: usize, table: &'a Self::Table) -> Self::Ref<'a>;
    /// Overwrites lane `lane` of an `aosoa` block.
    fn lane_set(
        lanes: &mut Self::Lanes,
        lane: usize,
        x: Self::Ref<'_>,
        table: &mut Self::Table,
    ) -> Result<(), Overflow>;
    /// Reads a packed value.
    fn unpack(packed: Self::Packed, table: &Self::Table) -> Self::Ref<'_>;
    /// The packed form of a value, replacing `old` (whose buffer space it releases) or for
    /// a new row.
    fn pack(
        x: Self::Ref<'_>,
        old: Option<Self::Packed>,
        table: &mut Self::Table,
    ) -> Result<Self::Packed, Overflow>;
    /// An arena slot for a fresh row, before its value is written (readable without an
    /// arena: an empty string or list points at static memory).
    fn blank_slot() -> Self::Slot;
    /// The arena slot for a value, replacing `old` or for a new row; text and lists are
    /// copied into `bump`.
    fn slot(
        x: Self::Ref<'_>,
        old: Option<Self::Slot>,
        bump: &Bump,
        table: &mut Self::Table,
    ) -> Self::Slot;
    /// Reads an arena slot.
    ///
    /// # Safety
    ///
    /// A slot that points into an arena must have been made by [`Kind::slot`] with an arena
    /// that is alive and not reset for all of `'a`.
    unsafe fn slot_ref<'a>(slot: &'a Self::Slot, table: &'a Self::Table) -> Self::Ref<'a>;

    /// The `heap_map` layout's dynamic value.
    fn to_dyn(x: Self::Ref<'_>) -> Value;
    /// The same, taking the value (a `String` is moved, not copied).
    fn into_dyn(value: Self::Value) -> Value;
    /// Reads a dynamic value.
    ///
    /// # Panics
    ///
    /// If the value is of another kind (a broken invariant: the layout writes only values
    /// of the field's kind).
    fn from_dyn(value: &Value) -> Self::Ref<'_>;

    /// Tells `observer` what the value holds; `leaf` is the field's first leaf.
    fn observe(x: Self::Ref<'_>, leaf: usize, observer: &mut dyn Observer);

    /// Reads field `F` (of this kind) of the record at `at` in a store that knows only how
    /// to read leaves: a leaf directly, a flattened record leaf by leaf.
    fn read_in<'a, R: Record, F: Field<R, Kind = Self>, S: LeafStore<R> + 'a>(
        at: S::At<'a>,
    ) -> Self::Ref<'a>;
    /// Writes field `F` (of this kind) of record `index` in such a store.
    fn write_in<R: Record, F: Field<R, Kind = Self>, S: LeafStore<R>>(
        store: &mut S,
        index: usize,
        x: Self::Ref<'_>,
    );
}

/// A store that knows how to read and write each leaf field where it put it (the grouped
/// layouts, whose rows are bytes at offsets of their own): any other field, a flattened
/// record whole, is read and written through its leaves ([`Kind::read_in`]).
pub trait LeafStore<R: Record>: Store<R> {
    /// Reads leaf `F` of the record at `at`.
    fn read_leaf<'a, F: Field<R>>(at: Self::At<'a>) -> Ref<'a, R, F>
    where
        F::Kind: Leaf,
        Self: 'a;
    /// Writes leaf `F` of record `index`.
    fn write_leaf<F: Field<R>>(&mut self, index: usize, x: Ref<'_, R, F>)
    where
        F::Kind: Leaf;
}

/// `read_in` and `write_in` of a leaf kind: the store's own.
macro_rules! leaf_access {
    () => {
        #[inline(always)]
        fn read_in<
            'a,
            R: crate::own::Record,
            F: crate::own::kind::Field<R, Kind = Self>,
            S: crate::own::kind::LeafStore<R> + 'a,
        >(
            at: S::At<'a>,
        ) -> Self::Ref<'a> {
            S::read_leaf::<F>(at)
        }
        #[inline(always)]
        fn write_in<
            R: crate::own::Record,
            F: crate::own::kind::Field<R, Kind = Self>,
            S: crate::own::kind::LeafStore<R>,
        >(
            store: &mut S,
            index: usize,
            x: Self::Ref<'_>,
        ) {
            store.write_leaf::<F>(index, x)
        }
    };
}
pub(crate) use leaf_access;

/// `lane_move`, `lane_move_to` and `lane_clear` of a leaf whose `aosoa` lanes are an array of
/// `Copy` items (`$lanes`, reached through its field `.$field` where it wraps one), a cleared
/// lane holding `$fill`.
macro_rules! copy_lanes {
    ($lanes:ty $(, .$field:tt)?; $fill:expr) => {
        #[inline(always)]
        fn lane_move(lanes: &mut $lanes, from: usize, to: usize) {
            lanes$(.$field)?[to] = lanes$(.$field)?[from];
        }
        #[inline(always)]
        fn lane_move_to(src: &mut $lanes, from: usize, dst: &mut $lanes, to: usize) {
            dst$(.$field)?[to] = src$(.$field)?[from];
        }
        #[inline(always)]
        fn lane_clear(lanes: &mut $lanes, from: usize) {
            lanes$(.$field)?[from..].fill($fill);
        }
    };
}
pub(crate) use copy_lanes;

/// What a store does to whole records, field by field: every kind but a flattened record
/// (whose leaves the stores reach one by one) is a leaf.
pub trait Leaf: Kind {
    /// Reserves room for `additional` more records in a `soa` column.
    fn col_reserve(col: &mut Self::Column, additional: usize);
    /// Appends a value to a `soa` column.
    fn col_push(
        col: &mut Self::Column,
        value: Self::Value,
        table: &mut Self::Table,
    ) -> Result<(), Overflow>;
    /// Moves record `from` to `to` (`to < from`; `from` is truncated away afterwards).
    fn col_move(col: &mut Self::Column, from: usize, to: usize);
    /// Keeps the first `len` records.
    fn col_truncate(col: &mut Self::Column, len: usize);
    /// Record `i` is being dropped: the buffer space its value uses is dead.
    #[inline(always)]
    fn col_release(_col: &Self::Column, _i: usize, _table: &mut Self::Table) {}
    /// Moves record `i`'s buffer space from `old` (taken by [`Leaf::compact_begin`]) into
    /// `table`.
    #[inline(always)]
    fn col_compact(
        _col: &mut Self::Column,
        _i: usize,
        _old: &Self::Table,
        _table: &mut Self::Table,
    ) {
    }
    /// What one record's element of the column is, for `inspect`: a label and its bytes per
    /// record (bits for a validity bitmap are said in the label and count as 0 bytes).
    fn col_parts(name: &str) -> Vec<(String, usize)>;

    /// Stores a value into lane `lane` of a fresh or blanked lane.
    fn lane_put(
        lanes: &mut Self::Lanes,
        lane: usize,
        value: Self::Value,
        table: &mut Self::Table,
    ) -> Result<(), Overflow>;
    /// Moves lane `from` to lane `to` of the same block.
    fn lane_move(lanes: &mut Self::Lanes, from: usize, to: usize);
    /// Moves lane `from` of `src` to lane `to` of another block `dst`.
    fn lane_move_to(src: &mut Self::Lanes, from: usize, dst: &mut Self::Lanes, to: usize);
    /// Blanks lanes `from..` (dropping what they own).
    fn lane_clear(lanes: &mut Self::Lanes, from: usize);
    /// Lane `lane` is being dropped: the buffer space its value uses is dead.
    #[inline(always)]
    fn lane_release(_lanes: &Self::Lanes, _lane: usize, _table: &mut Self::Table) {}
    /// [`Leaf::col_compact`] for a lane.
    #[inline(always)]
    fn lane_compact(
        _lanes: &mut Self::Lanes,
        _lane: usize,
        _old: &Self::Table,
        _table: &mut Self::Table,
    ) {
    }

    /// A packed row's value is being dropped: the buffer space it uses is dead.
    #[inline(always)]
    fn packed_release(_packed: Self::Packed, _table: &mut Self::Table) {}
    /// [`Leaf::col_compact`] for a packed value.
    #[inline(always)]
    fn packed_compact(_packed: &mut Self::Packed, _old: &Self::Table, _table: &mut Self::Table) {}
    /// An arena slot's value is being dropped (the arena keeps its bytes; a value in the
    /// table is released).
    #[inline(always)]
    fn slot_release(_slot: Self::Slot, _table: &mut Self::Table) {}
    /// [`Leaf::col_compact`] for an arena slot.
    #[inline(always)]
    fn slot_compact(_slot: &mut Self::Slot, _old: &Self::Table, _table: &mut Self::Table) {}

    /// Whether more than half of the table's buffer is dead, so that the store should move
    /// the live part into a fresh one.
    #[inline(always)]
    fn compact_due(_table: &Self::Table) -> bool {
        false
    }
    /// Takes the buffer out of the table, leaving an empty one with room for the live part;
    /// returns the old one, from which the store then moves every live value.
    fn compact_begin(table: &mut Self::Table) -> Self::Table {
        std::mem::take(table)
    }

    /// The integer a packed value holds, for a store that keeps the field narrower than its
    /// type (integers only).
    #[inline(always)]
    fn packed_int(_packed: Self::Packed) -> Option<i128> {
        None
    }
    /// The packed value of an integer read back from such a store.
    #[inline(always)]
    fn int_packed(_value: i128) -> Option<Self::Packed> {
        None
    }
    /// The text a value is, for a store that interns the field itself (plain `String`s only).
    #[inline(always)]
    fn as_text<'a>(_x: Self::Ref<'a>) -> Option<&'a str> {
        None
    }
    /// A read of such a store: the value of this text.
    #[inline(always)]
    fn text_ref<'a>(_text: &'a str) -> Option<Self::Ref<'a>> {
        None
    }
}

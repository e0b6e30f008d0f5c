//! The machinery between `#[derive(Record)]` and the layouts: how each kind of field is
//! stored in each layout, and how a layout reaches one field of the user's record.
//!
//! Three kinds of field exist: a [`Scalar`] (stored as itself, or its packed form), a plain
//! `String`, and an interned `String` ([`Interned<I>`]: an id of type `I` plus an intern
//! table). [`Kind`] says, once per kind, how the kind lives in every layout. [`Field<R>`]
//! is implemented by the derive for one zero-sized [`FieldNo<N>`] per field: it only points
//! at the field inside each of the record's generated parts (`&columns.price`). The layouts
//! (one file each in `src/own/`) are written once, generic over both, so everything is
//! statically dispatched and inlines to a direct load. No `unsafe` is generated into the
//! user's crate: the one layout that needs it (`arena`) keeps it in its own file.
//!
//! Everything here is `#[doc(hidden)]` (reached through `layoutlab::__private`): the derive's
//! business, not the user's. This file holds [`Kind`]; each kind is a file of its own
//! (`scalar.rs` the scalar kind, `string.rs` the two string kinds), `dynamic.rs` the
//! [`Value`] every kind has a form in (the `heap_map` layout's), and `field.rs` [`Field`],
//! the per-field visitors and the type shorthands.

mod dynamic;
mod field;
pub mod scalar;
mod string;

use std::fmt::Debug;

use bumpalo::Bump;

use self::dynamic::wrong_dyn;
use crate::intern::Full;

pub use self::dynamic::Value;
pub use self::field::{
    no_table, Elem, Field, FieldNo, FieldSink, FieldSource, FieldVisitor, Packed, Part, Ref, Slot,
    Table, Val,
};
pub use self::scalar::Scalar;
pub use self::string::{ArenaStr, TextSpan, TEXT_LIMIT};

/// Records per block of the `aosoa` layout.
pub const LANES: usize = 8;

/// Why a value could not be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// An interned field ran out of ids.
    Intern(Full),
    /// The `packed` layout's text buffer would pass what a `u32` offset reaches.
    Text {
        /// The most bytes the buffer holds.
        limit: usize,
    },
}

/// The marker kind of a `String` field interned into ids of type `I`
/// (`#[record(intern = u16)]`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Interned<I>(std::marker::PhantomData<I>);

/// How one kind of field is stored in every layout.
pub trait Kind: 'static {
    /// The type in the user's struct.
    type Value: Clone + Debug;
    /// What a read returns: the value for a scalar, `&str` for a string.
    type Ref<'a>: Copy + Debug + PartialEq;
    /// The side table of the compact layouts (`soa`, `packed`, `aosoa`): an intern table
    /// for an interned string, `()` otherwise.
    type Table: Default + Debug + Clone;
    /// An element of a `soa` column and a lane of an `aosoa` block.
    type Elem: Debug;
    /// The field in a `packed` row.
    type Packed: Copy + Default + Debug;
    /// The field in an `arena` row.
    type Slot: Copy + Debug;

    /// Reads a value of the user's struct.
    fn as_ref(value: &Self::Value) -> Self::Ref<'_>;
    /// Overwrites a value of the user's struct (a `String` keeps its buffer).
    fn assign(value: &mut Self::Value, x: Self::Ref<'_>);
    /// An owned copy of what a read returned.
    fn to_value(x: Self::Ref<'_>) -> Self::Value;
    /// Takes the value out of the user's struct (a `String` is moved, leaving it empty).
    fn take(value: &mut Self::Value) -> Self::Value;
    /// A value for fresh rows of `hot_cold`.
    fn blank_value() -> Self::Value;

    /// The column element for a value (moved in); interns it if the kind interns.
    fn elem(value: Self::Value, table: &mut Self::Table) -> Result<Self::Elem, Full>;
    /// Overwrites a column element.
    fn assign_elem(
        elem: &mut Self::Elem,
        x: Self::Ref<'_>,
        table: &mut Self::Table,
    ) -> Result<(), Full>;
    /// Reads a column element.
    fn elem_ref<'a>(elem: &'a Self::Elem, table: &'a Self::Table) -> Self::Ref<'a>;
    /// Moves `src` into `dst` (compaction; `src` is dropped afterwards).
    fn move_elem(src: &mut Self::Elem, dst: &mut Self::Elem);
    /// An element for unused lanes of an `aosoa` block.
    fn blank_elem() -> Self::Elem;

    /// The packed form of a value; appends a plain string's text to `text`.
    fn pack(
        x: Self::Ref<'_>,
        table: &mut Self::Table,
        text: &mut String,
    ) -> Result<Self::Packed, Overflow>;
    /// Reads a packed value.
    fn unpack<'a>(packed: Self::Packed, table: &'a Self::Table, text: &'a str) -> Self::Ref<'a>;
    /// Bytes of the text buffer the packed value uses (plain strings only).
    #[inline]
    fn text_len(_packed: Self::Packed) -> usize {
        0
    }
    /// Copies the packed value's text from `old` to the end of `new` and points at it there.
    #[inline]
    fn move_text(_packed: &mut Self::Packed, _old: &str, _new: &mut String) {}

    /// An empty arena slot (readable without an arena).
    fn blank_slot() -> Self::Slot;
    /// The arena slot for a value; strings are copied into `bump`.
    fn slot(x: Self::Ref<'_>, bump: &Bump) -> Self::Slot;
    /// Reads an arena slot.
    ///
    /// # Safety
    ///
    /// A string slot must have been made by [`Kind::slot`] (or [`Kind::blank_slot`]) with
    /// an arena that is alive and not reset for all of `'a`.
    unsafe fn slot_ref<'a>(slot: &'a Self::Slot) -> Self::Ref<'a>;

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
}

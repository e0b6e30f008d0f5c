//! The machinery between `#[derive(Record)]` and the layouts: how each kind of field is
//! stored in each layout, and how a layout reaches one field of the user's record.
//!
//! Three kinds of field exist: a [`Scalar`] (stored as itself, or its packed form), a plain
//! `String`, and an interned `String` ([`Interned<I>`]: an id of type `I` plus an intern
//! table). [`Kind`] says, once per kind, how the kind lives in every layout. [`Field<R>`]
//! is implemented by the derive for one zero-sized [`FieldNo<N>`] per field: it only points
//! at the field inside each of the record's generated parts (`&columns.price`). The layouts
//! (one file each next to this one) are written once, generic over both, so everything is
//! statically dispatched and inlines to a direct load. No `unsafe` is generated into the
//! user's crate: the one layout that needs it (`arena`) keeps it in its own file.
//!
//! Everything here is `#[doc(hidden)]` (reached through `layoutlab::__private`): the derive's
//! business, not the user's.

use std::fmt::Debug;
use std::ptr::NonNull;

use bumpalo::Bump;

use crate::intern::{Full, InternId, Interner};
use crate::own::heap_map::Value;
use crate::own::scalar::Scalar;
use crate::own::Record;

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

/// Where a `packed` row's plain `String` lives: `len` bytes at `offset` in the store's text
/// buffer. 8 bytes in the row instead of a 24-byte `String` and a heap block of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C)]
pub struct TextSpan {
    /// Byte offset in the text buffer.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
}

/// A string inside an `arena` store's bump arena: a raw pointer, valid as long as the arena
/// that made it. Reading it is `unsafe` ([`Kind::slot_ref`]); only the arena layout does.
#[derive(Clone, Copy)]
pub struct ArenaStr(NonNull<str>);

impl ArenaStr {
    /// Copies `text` into `bump`.
    #[inline]
    pub(crate) fn new_in(bump: &Bump, text: &str) -> ArenaStr {
        ArenaStr(NonNull::from(bump.alloc_str(text)))
    }

    /// The text.
    ///
    /// # Safety
    ///
    /// The arena that made this string must be alive and not reset for all of `'a`.
    #[inline]
    pub(crate) unsafe fn get<'a>(self) -> &'a str {
        // SAFETY: the caller guarantees the arena outlives 'a; the text is never written
        // after `alloc_str` copied it.
        unsafe { self.0.as_ref() }
    }
}

impl Default for ArenaStr {
    /// The empty string, pointing at static memory (so a fresh row is always readable).
    fn default() -> Self {
        ArenaStr(NonNull::from(""))
    }
}

impl Debug for ArenaStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The arena may be gone: show where the text is, never the text.
        let bytes = self.0.as_ptr() as *const [u8];
        write!(f, "ArenaStr({bytes:p}, {} bytes)", bytes.len())
    }
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

impl<T: Scalar> Kind for T {
    type Value = T;
    type Ref<'a> = T;
    type Table = ();
    type Elem = T;
    type Packed = T::Packed;
    type Slot = T;

    #[inline(always)]
    fn as_ref(value: &T) -> T {
        *value
    }
    #[inline(always)]
    fn assign(value: &mut T, x: T) {
        *value = x;
    }
    #[inline(always)]
    fn to_value(x: T) -> T {
        x
    }
    #[inline(always)]
    fn take(value: &mut T) -> T {
        *value
    }
    #[inline(always)]
    fn blank_value() -> T {
        T::FILL
    }
    #[inline(always)]
    fn elem(value: T, _: &mut ()) -> Result<T, Full> {
        Ok(value)
    }
    #[inline(always)]
    fn assign_elem(elem: &mut T, x: T, _: &mut ()) -> Result<(), Full> {
        *elem = x;
        Ok(())
    }
    #[inline(always)]
    fn elem_ref<'a>(elem: &'a T, _: &'a ()) -> T {
        *elem
    }
    #[inline(always)]
    fn move_elem(src: &mut T, dst: &mut T) {
        *dst = *src;
    }
    #[inline(always)]
    fn blank_elem() -> T {
        T::FILL
    }
    #[inline(always)]
    fn pack(x: T, _: &mut (), _: &mut String) -> Result<T::Packed, Overflow> {
        Ok(x.pack())
    }
    #[inline(always)]
    fn unpack<'a>(packed: T::Packed, _: &'a (), _: &'a str) -> T {
        T::unpack(packed)
    }
    #[inline(always)]
    fn blank_slot() -> T {
        T::FILL
    }
    #[inline(always)]
    fn slot(x: T, _: &Bump) -> T {
        x
    }
    #[inline(always)]
    unsafe fn slot_ref(slot: &T) -> T {
        *slot
    }
    #[inline]
    fn to_dyn(x: T) -> Value {
        x.to_dyn()
    }
    #[inline]
    fn into_dyn(value: T) -> Value {
        value.to_dyn()
    }
    #[inline]
    fn from_dyn(value: &Value) -> T {
        match T::from_dyn(value) {
            Some(x) => x,
            None => wrong_dyn(value),
        }
    }
}

#[cold]
#[inline(never)]
fn wrong_dyn(value: &Value) -> ! {
    panic!("heap_map field holds {value:?}, which is not of the field's kind (push writes every field by its kind)")
}

/// What the two string kinds share outside the compact layouts.
macro_rules! string_kind_common {
    () => {
        type Value = String;
        type Ref<'a> = &'a str;
        type Slot = ArenaStr;

        #[inline(always)]
        fn as_ref(value: &String) -> &str {
            value
        }
        #[inline]
        fn assign(value: &mut String, x: &str) {
            value.clear();
            value.push_str(x);
        }
        #[inline]
        fn to_value(x: &str) -> String {
            x.to_owned()
        }
        #[inline]
        fn take(value: &mut String) -> String {
            std::mem::take(value)
        }
        #[inline]
        fn blank_value() -> String {
            String::new()
        }
        #[inline]
        fn blank_slot() -> ArenaStr {
            ArenaStr::default()
        }
        #[inline]
        fn slot(x: &str, bump: &Bump) -> ArenaStr {
            ArenaStr::new_in(bump, x)
        }
        #[inline(always)]
        unsafe fn slot_ref(slot: &ArenaStr) -> &str {
            // SAFETY: forwarded from the caller (see `Kind::slot_ref`).
            unsafe { slot.get() }
        }
        #[inline]
        fn to_dyn(x: &str) -> Value {
            Value::Text(x.to_owned())
        }
        #[inline]
        fn into_dyn(value: String) -> Value {
            Value::Text(value)
        }
        #[inline]
        fn from_dyn(value: &Value) -> &str {
            match value {
                Value::Text(s) => s,
                other => wrong_dyn(other),
            }
        }
    };
}

/// The text buffer of a `packed` store holds at most this many bytes (offsets are `u32`).
pub const TEXT_LIMIT: usize = u32::MAX as usize;

impl Kind for String {
    string_kind_common!();
    type Table = ();
    type Elem = String;
    type Packed = TextSpan;

    #[inline]
    fn elem(value: String, _: &mut ()) -> Result<String, Full> {
        Ok(value)
    }
    #[inline]
    fn assign_elem(elem: &mut String, x: &str, _: &mut ()) -> Result<(), Full> {
        Self::assign(elem, x);
        Ok(())
    }
    #[inline(always)]
    fn elem_ref<'a>(elem: &'a String, _: &'a ()) -> &'a str {
        elem
    }
    #[inline]
    fn move_elem(src: &mut String, dst: &mut String) {
        std::mem::swap(src, dst);
    }
    #[inline]
    fn blank_elem() -> String {
        String::new()
    }
    #[inline]
    fn pack(x: &str, _: &mut (), text: &mut String) -> Result<TextSpan, Overflow> {
        let offset = text.len();
        if offset + x.len() > TEXT_LIMIT {
            return Err(Overflow::Text { limit: TEXT_LIMIT });
        }
        text.push_str(x);
        Ok(TextSpan {
            offset: offset as u32,
            len: x.len() as u32,
        })
    }
    #[inline]
    fn unpack<'a>(packed: TextSpan, _: &'a (), text: &'a str) -> &'a str {
        let start = packed.offset as usize;
        &text[start..start + packed.len as usize]
    }
    #[inline]
    fn text_len(packed: TextSpan) -> usize {
        packed.len as usize
    }
    #[inline]
    fn move_text(packed: &mut TextSpan, old: &str, new: &mut String) {
        let offset = new.len() as u32;
        new.push_str(Self::unpack(*packed, &(), old));
        packed.offset = offset;
    }
}

impl<I: InternId + Debug + Default + 'static> Kind for Interned<I> {
    string_kind_common!();
    type Table = Interner<I>;
    type Elem = I;
    type Packed = I;

    #[inline]
    fn elem(value: String, table: &mut Interner<I>) -> Result<I, Full> {
        table.intern(&value)
    }
    #[inline]
    fn assign_elem(elem: &mut I, x: &str, table: &mut Interner<I>) -> Result<(), Full> {
        *elem = table.intern(x)?;
        Ok(())
    }
    #[inline(always)]
    fn elem_ref<'a>(elem: &'a I, table: &'a Interner<I>) -> &'a str {
        table.name(*elem)
    }
    #[inline(always)]
    fn move_elem(src: &mut I, dst: &mut I) {
        *dst = *src;
    }
    #[inline]
    fn blank_elem() -> I {
        I::default()
    }
    #[inline]
    fn pack(x: &str, table: &mut Interner<I>, _: &mut String) -> Result<I, Overflow> {
        table.intern(x).map_err(Overflow::Intern)
    }
    #[inline(always)]
    fn unpack<'a>(packed: I, table: &'a Interner<I>, _: &'a str) -> &'a str {
        table.name(packed)
    }
}

/// The type in the user's struct of field `F` of `R`.
pub type Val<R, F> = <<F as Field<R>>::Kind as Kind>::Value;
/// What reading field `F` of `R` returns.
pub type Ref<'a, R, F> = <<F as Field<R>>::Kind as Kind>::Ref<'a>;
/// The side table of field `F` of `R`.
pub type Table<R, F> = <<F as Field<R>>::Kind as Kind>::Table;
/// A `soa` element / `aosoa` lane of field `F` of `R`.
pub type Elem<R, F> = <<F as Field<R>>::Kind as Kind>::Elem;
/// The `packed` form of field `F` of `R`.
pub type Packed<R, F> = <<F as Field<R>>::Kind as Kind>::Packed;
/// The `arena` slot of field `F` of `R`.
pub type Slot<R, F> = <<F as Field<R>>::Kind as Kind>::Slot;

/// The marker of field number `N` (in declaration order) of a record.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldNo<const N: usize>;

/// One field of record `R`: its kind, and where it is inside each of the record's parts.
/// Implemented by `#[derive(Record)]` for [`FieldNo<N>`]; every method is one projection.
pub trait Field<R: Record>: 'static {
    /// The field's index in declaration order.
    const INDEX: usize;
    /// The field's name.
    const NAME: &'static str;
    /// How the field is stored.
    type Kind: Kind;

    /// The field in the user's struct (`aos`, `boxed`).
    fn of(record: &R) -> &Val<R, Self>;
    /// The same, mutably.
    fn of_mut(record: &mut R) -> &mut Val<R, Self>;
    /// Its `soa` column.
    fn column(columns: &R::Columns) -> &Vec<Elem<R, Self>>;
    /// The same, mutably.
    fn column_mut(columns: &mut R::Columns) -> &mut Vec<Elem<R, Self>>;
    /// Its side table.
    fn table(tables: &R::Tables) -> &Table<R, Self>;
    /// The same, mutably.
    fn table_mut(tables: &mut R::Tables) -> &mut Table<R, Self>;
    /// Its value in a `packed` row (by value: packed fields cannot be borrowed).
    fn packed(row: &R::Packed) -> Packed<R, Self>;
    /// Writes its value in a `packed` row.
    fn set_packed(row: &mut R::Packed, value: Packed<R, Self>);
    /// Its slot in an `arena` row.
    fn slot(row: &R::ArenaRow) -> &Slot<R, Self>;
    /// The same, mutably.
    fn slot_mut(row: &mut R::ArenaRow) -> &mut Slot<R, Self>;
    /// Its lanes in an `aosoa` block.
    fn lanes(block: &R::Block) -> &[Elem<R, Self>; LANES];
    /// The same, mutably.
    fn lanes_mut(block: &mut R::Block) -> &mut [Elem<R, Self>; LANES];
    /// The field of record `index` of a `hot_cold` store: in its hot or its cold part
    /// (indexing only the array it is in).
    fn hot_cold<'a>(hot: &'a [R::Hot], cold: &'a [R::Cold], index: usize) -> &'a Val<R, Self>;
    /// The same, mutably.
    fn hot_cold_mut<'a>(
        hot: &'a mut [R::Hot],
        cold: &'a mut [R::Cold],
        index: usize,
    ) -> &'a mut Val<R, Self>;
}

/// Something done once per field of `R`, with the field's type in hand.
pub trait FieldVisitor<R: Record> {
    /// Called once per field, in declaration order.
    fn visit<F: Field<R>>(&mut self);
}

/// Where [`Record::build`](crate::Record) takes each field's value from.
pub trait FieldSource<R: Record> {
    /// The value of field `F`.
    fn take<F: Field<R>>(&mut self) -> Val<R, F>;
}

/// Where [`Record::scatter`](crate::Record) puts each field's value.
pub trait FieldSink<R: Record> {
    /// Field `F`'s value; the sink may take it (leaving a `String` empty) or copy it.
    fn put<F: Field<R>>(&mut self, value: &mut Val<R, F>);
}

/// The side table of a field with none: `()`, mutably, without allocating (a box of a
/// zero-sized value allocates nothing).
#[inline(always)]
pub fn no_table() -> &'static mut () {
    Box::leak(Box::new(()))
}

/// The parts of a record a layout may be built of, for [`Record`]'s part descriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The user's struct.
    Record,
    /// The `packed` row.
    Packed,
    /// The `arena` row.
    ArenaRow,
    /// The hot part of a `hot_cold` record.
    Hot,
    /// The cold part of a `hot_cold` record.
    Cold,
    /// An `aosoa` block.
    Block,
}

//! The `Option` kind: `Option<T>` of a scalar, an enum or a `String` (interned or not).
//!
//! How each layout holds `None`:
//!
//! - `soa` and `aosoa`, Arrow's way: a validity bitmap beside the values, one bit per
//!   record ([`Bitmap`]; one byte per `aosoa` block of 8), and the values column as for the
//!   inner type, a blank value under every `None`. An `Option<f64>` costs `soa` 8 bytes and
//!   one bit a record (the bitmap in whole `u64` words), not the 16 of `Option<f64>` itself.
//!   An `aosoa` block's validity byte is padded to the alignment of the lanes beside it, so
//!   there an `Option<f64>` costs 9 bytes a record (72 a block), as `packed`'s does
//!   (pinned by `tests/heap_own_kinds.rs`).
//! - `packed`: in a niche of the packed form where the type has one (`bool`: 2, `char`: a
//!   code above `char::MAX`, an enum of fewer than 256 variants: code 255, a text span:
//!   offset `u32::MAX`), else behind a presence byte ([`Present`]: an `Option<f64>` is 9
//!   bytes). A row has no room for a bitmap, and a presence *bit* would need the bits of
//!   several fields packed into one byte, which no field can do alone.
//! - `aos`, `boxed`, `hot_cold`, `arena`: `Option<T>` as Rust lays it out (a niche where the
//!   type has one, a tag otherwise); `heap_map`: a null value.

mod parts;

use std::fmt::Debug;

use bumpalo::Bump;

pub use self::parts::{Bitmap, OptColumn, OptLanes, Present};

use super::{Interned, Kind, Leaf, Observer, Overflow, Scalar, TextBuf, TextSpan, Value, LANES};
use crate::intern::{InternId, Interner};

/// The marker kind of an `Option<K::Value>` field.
#[derive(Debug, Clone, Copy, Default)]
pub struct Opt<K>(std::marker::PhantomData<K>);

/// A kind an `Option` can hold: says how its `None` looks in a `packed` row and how a
/// `None` blanks a column element or a lane.
pub trait Optional: Leaf {
    /// The packed form of an `Option`.
    type PackedOpt: Copy + Default + Debug;
    /// Whether [`Optional::PackedOpt`] is a niche of the packed form (no byte added).
    const NICHE: bool;
    /// The packed form of an `Option`, replacing `old` (or for a new row).
    fn pack_opt(
        x: Option<Self::Ref<'_>>,
        old: Option<Self::PackedOpt>,
        table: &mut Self::Table,
    ) -> Result<Self::PackedOpt, Overflow>;
    /// Back from it.
    fn unpack_opt(packed: Self::PackedOpt, table: &Self::Table) -> Option<Self::Ref<'_>>;
    /// [`Leaf::packed_release`] of a packed `Option`.
    #[inline(always)]
    fn opt_release(_packed: Self::PackedOpt, _table: &mut Self::Table) {}
    /// [`Leaf::packed_compact`] of a packed `Option`.
    #[inline(always)]
    fn opt_compact(_packed: &mut Self::PackedOpt, _old: &Self::Table, _table: &mut Self::Table) {}
    /// Reads record `i` of a `soa` column of `Option`s: the value where its validity bit is
    /// set. A scalar overrides it to read the value first (see `Optional for T`).
    #[inline(always)]
    fn col_get_opt<'a>(
        col: &'a OptColumn<Self::Column>,
        i: usize,
        table: &'a Self::Table,
    ) -> Option<Self::Ref<'a>> {
        col.valid
            .get(i)
            .then(|| Self::col_get(&col.values, i, table))
    }
    /// Appends the blank value a `None` keeps under its validity bit.
    fn col_push_blank(col: &mut Self::Column);
    /// Blanks element `i` (a `None` was set; frees what it owned).
    #[inline(always)]
    fn col_blank(_col: &mut Self::Column, _i: usize) {}
    /// Blanks one lane.
    #[inline(always)]
    fn lane_blank(_lanes: &mut Self::Lanes, _lane: usize) {}
}

impl<T: Scalar> Optional for T {
    type PackedOpt = T::PackedOpt;
    const NICHE: bool = T::NICHE;
    #[inline(always)]
    fn pack_opt(
        x: Option<T>,
        _: Option<T::PackedOpt>,
        _: &mut (),
    ) -> Result<T::PackedOpt, Overflow> {
        Ok(T::pack_opt(x))
    }
    #[inline(always)]
    fn unpack_opt(packed: T::PackedOpt, _: &()) -> Option<T> {
        T::unpack_opt(packed)
    }
    /// The value is read whatever the bit (a `None` keeps a blank under it), and that read's
    /// bounds check is the only one: the column holds a value per bit, so the bit needs no
    /// check of its own. A scan is then one check, one word and one branch per record, on the
    /// bit, as a loop by hand is. The default (the bit under checks of its own, the value
    /// under the bit) made three checks and two branches on the bit a record: 2.0–2.2× the
    /// loop by hand in cache (`benches/README.md`).
    #[inline(always)]
    fn col_get_opt<'a>(col: &'a OptColumn<Vec<T>>, i: usize, _: &'a ()) -> Option<T> {
        let value = col.values[i];
        // SAFETY: indexing `values` checked `i < values.len()`, and `OptColumn` keeps
        // `valid.len() == values.len()`.
        unsafe { col.valid.get_unchecked(i) }.then_some(value)
    }
    #[inline(always)]
    fn col_push_blank(col: &mut Vec<T>) {
        col.push(T::FILL);
    }
}

/// The span of a `None` text: no text is ever at offset `u32::MAX` ([`super::TEXT_LIMIT`]).
const NO_TEXT: TextSpan = TextSpan {
    offset: u32::MAX,
    len: 0,
};

impl Optional for String {
    type PackedOpt = TextSpan;
    const NICHE: bool = true;
    #[inline]
    fn pack_opt(
        x: Option<&str>,
        old: Option<TextSpan>,
        table: &mut TextBuf,
    ) -> Result<TextSpan, Overflow> {
        let old = old.filter(|o| *o != NO_TEXT);
        match x {
            Some(x) => Self::pack(x, old, table),
            None => {
                if let Some(old) = old {
                    Self::packed_release(old, table);
                }
                Ok(NO_TEXT)
            }
        }
    }
    #[inline(always)]
    fn unpack_opt(packed: TextSpan, table: &TextBuf) -> Option<&str> {
        (packed != NO_TEXT).then(|| table.get(packed))
    }
    #[inline]
    fn opt_release(packed: TextSpan, table: &mut TextBuf) {
        if packed != NO_TEXT {
            Self::packed_release(packed, table);
        }
    }
    #[inline]
    fn opt_compact(packed: &mut TextSpan, old: &TextBuf, table: &mut TextBuf) {
        if *packed != NO_TEXT {
            Self::packed_compact(packed, old, table);
        }
    }
    #[inline]
    fn col_push_blank(col: &mut Vec<String>) {
        col.push(String::new());
    }
    #[inline]
    fn col_blank(col: &mut Vec<String>, i: usize) {
        col[i] = String::new();
    }
    #[inline]
    fn lane_blank(lanes: &mut [String; LANES], lane: usize) {
        lanes[lane] = String::new();
    }
}

impl<I: InternId + Debug + Default + 'static> Optional for Interned<I> {
    type PackedOpt = Present<I>;
    const NICHE: bool = false;
    #[inline]
    fn pack_opt(
        x: Option<&str>,
        old: Option<Present<I>>,
        table: &mut Interner<I>,
    ) -> Result<Present<I>, Overflow> {
        let id = x
            .map(|x| Self::pack(x, old.and_then(Present::get), table))
            .transpose()?;
        Ok(Present::new(id))
    }
    #[inline(always)]
    fn unpack_opt(packed: Present<I>, table: &Interner<I>) -> Option<&str> {
        packed.get().map(|id| table.name(id))
    }
    #[inline(always)]
    fn col_push_blank(col: &mut Vec<I>) {
        col.push(I::default());
    }
}

impl<K: Optional> Kind for Opt<K> {
    crate::own::kind::leaf_access!();
    type Value = Option<K::Value>;
    type Ref<'a> = Option<K::Ref<'a>>;
    type Table = K::Table;
    type Column = OptColumn<K::Column>;
    type Lanes = OptLanes<K::Lanes>;
    type Packed = K::PackedOpt;
    type Slot = Option<K::Slot>;

    #[inline(always)]
    fn as_ref(value: &Self::Value) -> Self::Ref<'_> {
        value.as_ref().map(K::as_ref)
    }
    #[inline]
    fn assign(value: &mut Self::Value, x: Self::Ref<'_>) {
        match (value.as_mut(), x) {
            (Some(v), Some(x)) => K::assign(v, x),
            (_, x) => *value = x.map(K::to_value),
        }
    }
    #[inline]
    fn to_value(x: Self::Ref<'_>) -> Self::Value {
        x.map(K::to_value)
    }
    #[inline(always)]
    fn col_get<'a>(col: &'a Self::Column, i: usize, table: &'a K::Table) -> Self::Ref<'a> {
        K::col_get_opt(col, i, table)
    }
    #[inline]
    fn col_set(
        col: &mut Self::Column,
        i: usize,
        x: Self::Ref<'_>,
        table: &mut K::Table,
    ) -> Result<(), Overflow> {
        let some = x.is_some();
        match x {
            Some(x) => K::col_set(&mut col.values, i, x, table)?,
            None => K::col_blank(&mut col.values, i),
        }
        col.valid.set(i, some);
        Ok(())
    }
    #[inline(always)]
    fn lane_get<'a>(lanes: &'a Self::Lanes, lane: usize, table: &'a K::Table) -> Self::Ref<'a> {
        lanes
            .bit(lane)
            .then(|| K::lane_get(&lanes.values, lane, table))
    }
    #[inline]
    fn lane_set(
        lanes: &mut Self::Lanes,
        lane: usize,
        x: Self::Ref<'_>,
        table: &mut K::Table,
    ) -> Result<(), Overflow> {
        let some = x.is_some();
        match x {
            Some(x) => K::lane_set(&mut lanes.values, lane, x, table)?,
            None => K::lane_blank(&mut lanes.values, lane),
        }
        lanes.set_bit(lane, some);
        Ok(())
    }
    #[inline(always)]
    fn unpack(packed: K::PackedOpt, table: &K::Table) -> Self::Ref<'_> {
        K::unpack_opt(packed, table)
    }
    #[inline]
    fn pack(
        x: Self::Ref<'_>,
        old: Option<K::PackedOpt>,
        table: &mut K::Table,
    ) -> Result<K::PackedOpt, Overflow> {
        K::pack_opt(x, old, table)
    }
    #[inline(always)]
    fn blank_slot() -> Self::Slot {
        None
    }
    #[inline]
    fn slot(
        x: Self::Ref<'_>,
        old: Option<Self::Slot>,
        bump: &Bump,
        table: &mut K::Table,
    ) -> Self::Slot {
        x.map(|x| K::slot(x, old.flatten(), bump, table))
    }
    #[inline(always)]
    unsafe fn slot_ref<'a>(slot: &'a Self::Slot, table: &'a K::Table) -> Self::Ref<'a> {
        // SAFETY: forwarded from the caller (see `Kind::slot_ref`).
        slot.as_ref().map(|s| unsafe { K::slot_ref(s, table) })
    }
    #[inline]
    fn to_dyn(x: Self::Ref<'_>) -> Value {
        x.map_or(Value::Null, K::to_dyn)
    }
    #[inline]
    fn into_dyn(value: Self::Value) -> Value {
        value.map_or(Value::Null, K::into_dyn)
    }
    #[inline]
    fn from_dyn(value: &Value) -> Self::Ref<'_> {
        match value {
            Value::Null => None,
            other => Some(K::from_dyn(other)),
        }
    }
    #[inline]
    fn observe(x: Self::Ref<'_>, leaf: usize, observer: &mut dyn Observer) {
        observer.present(leaf, x.is_some());
        if let Some(x) = x {
            K::observe(x, leaf, observer);
        }
    }
}

impl<K: Optional> Leaf for Opt<K> {
    #[inline]
    fn col_reserve(col: &mut Self::Column, additional: usize) {
        col.valid.reserve(additional);
        K::col_reserve(&mut col.values, additional);
    }
    #[inline]
    fn col_push(
        col: &mut Self::Column,
        value: Self::Value,
        table: &mut K::Table,
    ) -> Result<(), Overflow> {
        let some = value.is_some();
        match value {
            Some(value) => K::col_push(&mut col.values, value, table)?,
            None => K::col_push_blank(&mut col.values),
        }
        col.valid.push(some);
        Ok(())
    }
    #[inline]
    fn col_move(col: &mut Self::Column, from: usize, to: usize) {
        col.valid.set(to, col.valid.get(from));
        K::col_move(&mut col.values, from, to);
    }
    #[inline]
    fn col_truncate(col: &mut Self::Column, len: usize) {
        col.valid.truncate(len);
        K::col_truncate(&mut col.values, len);
    }
    #[inline]
    fn col_release(col: &Self::Column, i: usize, table: &mut K::Table) {
        if col.valid.get(i) {
            K::col_release(&col.values, i, table);
        }
    }
    #[inline]
    fn col_compact(col: &mut Self::Column, i: usize, old: &K::Table, table: &mut K::Table) {
        if col.valid.get(i) {
            K::col_compact(&mut col.values, i, old, table);
        }
    }
    fn col_parts(name: &str) -> Vec<(String, usize)> {
        let mut parts = K::col_parts(name);
        parts.push((format!("{name}: validity bit (1/8 byte)"), 0));
        parts
    }
    #[inline]
    fn lane_put(
        lanes: &mut Self::Lanes,
        lane: usize,
        value: Self::Value,
        table: &mut K::Table,
    ) -> Result<(), Overflow> {
        let some = value.is_some();
        if let Some(value) = value {
            K::lane_put(&mut lanes.values, lane, value, table)?;
        }
        lanes.set_bit(lane, some);
        Ok(())
    }
    #[inline]
    fn lane_move(lanes: &mut Self::Lanes, from: usize, to: usize) {
        lanes.set_bit(to, lanes.bit(from));
        K::lane_move(&mut lanes.values, from, to);
    }
    #[inline]
    fn lane_move_to(src: &mut Self::Lanes, from: usize, dst: &mut Self::Lanes, to: usize) {
        dst.set_bit(to, src.bit(from));
        K::lane_move_to(&mut src.values, from, &mut dst.values, to);
    }
    #[inline]
    fn lane_clear(lanes: &mut Self::Lanes, from: usize) {
        lanes.valid &= ((1u16 << from) - 1) as u8;
        K::lane_clear(&mut lanes.values, from);
    }
    #[inline]
    fn lane_release(lanes: &Self::Lanes, lane: usize, table: &mut K::Table) {
        if lanes.bit(lane) {
            K::lane_release(&lanes.values, lane, table);
        }
    }
    #[inline]
    fn lane_compact(lanes: &mut Self::Lanes, lane: usize, old: &K::Table, table: &mut K::Table) {
        if lanes.bit(lane) {
            K::lane_compact(&mut lanes.values, lane, old, table);
        }
    }
    #[inline]
    fn packed_release(packed: K::PackedOpt, table: &mut K::Table) {
        K::opt_release(packed, table);
    }
    #[inline]
    fn packed_compact(packed: &mut K::PackedOpt, old: &K::Table, table: &mut K::Table) {
        K::opt_compact(packed, old, table);
    }
    #[inline(always)]
    fn compact_due(table: &K::Table) -> bool {
        K::compact_due(table)
    }
    fn compact_begin(table: &mut K::Table) -> K::Table {
        K::compact_begin(table)
    }
}

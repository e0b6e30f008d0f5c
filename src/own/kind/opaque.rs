//! The opaque kind: `#[record(opaque)]` on a field of any other type `T: Clone + Debug +
//! PartialEq + 'static`. layoutlab cannot see inside such a value, so it lays it out no
//! further: every layout stores the type itself, and the report says so.
//!
//! `aos`, `boxed`, `hot_cold` keep it in the record; `soa` is a column of `T`; `aosoa`
//! lanes of `Option<T>` (an unused lane needs a value, and `T` has no blank one); `packed`
//! and `arena`, whose rows must be `Copy`, keep a `u32` index into one `Vec<T>` per field
//! beside the rows ([`OpaqueBuf`]; a setter overwrites in place, dropped values are counted
//! and the live ones cloned into a fresh `Vec` once they are fewer than half); `heap_map`
//! holds it as one boxed object.

use std::fmt::Debug;

use bumpalo::Bump;

use super::dynamic::wrong_dyn;
use super::scalar::short_type_name;
use super::{Kind, Leaf, Observer, Overflow, Value, LANES};

/// The marker kind of an opaque field of type `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Opaque<T>(std::marker::PhantomData<T>);

/// What an opaque field's value may be.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a #[record(opaque)] field",
    label = "must be Clone + Debug + PartialEq + 'static",
    note = "every layout keeps and compares copies of an opaque value"
)]
pub trait OpaqueValue: Clone + Debug + PartialEq + 'static {}
impl<T: Clone + Debug + PartialEq + 'static> OpaqueValue for T {}

/// The values of an opaque field of the `packed` and `arena` layouts, which index them.
#[derive(Debug, Clone)]
pub struct OpaqueBuf<T> {
    /// The values, live and dead.
    pub values: Vec<T>,
    /// How many of them no row points at.
    pub dead: usize,
}

impl<T> Default for OpaqueBuf<T> {
    fn default() -> Self {
        OpaqueBuf {
            values: Vec::new(),
            dead: 0,
        }
    }
}

impl<T: OpaqueValue> OpaqueBuf<T> {
    /// Stores `x` at `old`'s index, or at a new one.
    #[inline]
    fn put(&mut self, x: &T, old: Option<u32>) -> Result<u32, Overflow> {
        if let Some(old) = old {
            self.values[old as usize].clone_from(x);
            return Ok(old);
        }
        let index = self.values.len();
        if index >= u32::MAX as usize {
            return Err(Overflow::Buffer {
                limit: u32::MAX as usize,
            });
        }
        self.values.push(x.clone());
        Ok(index as u32)
    }

    #[inline]
    fn relocate(&mut self, index: &mut u32, old: &OpaqueBuf<T>) {
        let at = self.values.len() as u32;
        self.values.push(old.values[*index as usize].clone());
        *index = at;
    }

    fn compact_begin(&mut self) -> OpaqueBuf<T> {
        let live = self.values.len() - self.dead;
        std::mem::replace(
            self,
            OpaqueBuf {
                values: Vec::with_capacity(live),
                dead: 0,
            },
        )
    }
}

impl<T: OpaqueValue> Kind for Opaque<T> {
    super::leaf_access!();
    type Value = T;
    type Ref<'a> = &'a T;
    type Table = OpaqueBuf<T>;
    type Column = Vec<T>;
    type Lanes = [Option<T>; LANES];
    type Packed = u32;
    type Slot = u32;

    #[inline(always)]
    fn as_ref(value: &T) -> &T {
        value
    }
    #[inline]
    fn assign(value: &mut T, x: &T) {
        value.clone_from(x);
    }
    #[inline]
    fn to_value(x: &T) -> T {
        x.clone()
    }
    #[inline(always)]
    fn col_get<'a>(col: &'a Vec<T>, i: usize, _: &'a OpaqueBuf<T>) -> &'a T {
        &col[i]
    }
    #[inline]
    fn col_set(col: &mut Vec<T>, i: usize, x: &T, _: &mut OpaqueBuf<T>) -> Result<(), Overflow> {
        col[i].clone_from(x);
        Ok(())
    }
    #[inline]
    fn lane_get<'a>(lanes: &'a [Option<T>; LANES], lane: usize, _: &'a OpaqueBuf<T>) -> &'a T {
        match &lanes[lane] {
            Some(x) => x,
            None => unreachable!("an aosoa lane in use holds its record's value"),
        }
    }
    #[inline]
    fn lane_set(
        lanes: &mut [Option<T>; LANES],
        lane: usize,
        x: &T,
        _: &mut OpaqueBuf<T>,
    ) -> Result<(), Overflow> {
        lanes[lane] = Some(x.clone());
        Ok(())
    }
    #[inline(always)]
    fn unpack(packed: u32, table: &OpaqueBuf<T>) -> &T {
        &table.values[packed as usize]
    }
    #[inline]
    fn pack(x: &T, old: Option<u32>, table: &mut OpaqueBuf<T>) -> Result<u32, Overflow> {
        table.put(x, old)
    }
    /// Never read: the store writes every slot of a row it pushes.
    #[inline(always)]
    fn blank_slot() -> u32 {
        u32::MAX
    }
    #[inline]
    fn slot(x: &T, old: Option<u32>, _: &Bump, table: &mut OpaqueBuf<T>) -> u32 {
        match table.put(x, old) {
            Ok(index) => index,
            Err(_) => panic!("more than u32::MAX values of one opaque field in an arena store"),
        }
    }
    #[inline(always)]
    unsafe fn slot_ref<'a>(slot: &'a u32, table: &'a OpaqueBuf<T>) -> &'a T {
        &table.values[*slot as usize]
    }
    #[inline]
    fn to_dyn(x: &T) -> Value {
        Value::Object(Box::new(x.clone()))
    }
    #[inline]
    fn into_dyn(value: T) -> Value {
        Value::Object(Box::new(value))
    }
    #[inline]
    fn from_dyn(value: &Value) -> &T {
        match value {
            Value::Object(_) => value.object::<T>(),
            other => wrong_dyn(other),
        }
    }
    #[inline(always)]
    fn observe(_: &T, _: usize, _: &mut dyn Observer) {}
}

impl<T: OpaqueValue> Leaf for Opaque<T> {
    #[inline]
    fn col_reserve(col: &mut Vec<T>, additional: usize) {
        col.reserve_exact(additional);
    }
    #[inline]
    fn col_push(col: &mut Vec<T>, value: T, _: &mut OpaqueBuf<T>) -> Result<(), Overflow> {
        col.push(value);
        Ok(())
    }
    #[inline]
    fn col_move(col: &mut Vec<T>, from: usize, to: usize) {
        col.swap(from, to);
    }
    #[inline]
    fn col_truncate(col: &mut Vec<T>, len: usize) {
        col.truncate(len);
    }
    fn col_parts(name: &str) -> Vec<(String, usize)> {
        let ty = short_type_name(std::any::type_name::<T>());
        vec![(format!("{name}: {ty} (opaque)"), std::mem::size_of::<T>())]
    }
    #[inline]
    fn lane_put(
        lanes: &mut [Option<T>; LANES],
        lane: usize,
        value: T,
        _: &mut OpaqueBuf<T>,
    ) -> Result<(), Overflow> {
        lanes[lane] = Some(value);
        Ok(())
    }
    #[inline]
    fn lane_move(lanes: &mut [Option<T>; LANES], from: usize, to: usize) {
        lanes[to] = lanes[from].take();
    }
    #[inline]
    fn lane_move_to(
        src: &mut [Option<T>; LANES],
        from: usize,
        dst: &mut [Option<T>; LANES],
        to: usize,
    ) {
        dst[to] = src[from].take();
    }
    #[inline]
    fn lane_clear(lanes: &mut [Option<T>; LANES], from: usize) {
        for lane in &mut lanes[from..] {
            *lane = None;
        }
    }
    #[inline(always)]
    fn packed_release(_: u32, table: &mut OpaqueBuf<T>) {
        table.dead += 1;
    }
    #[inline]
    fn packed_compact(packed: &mut u32, old: &OpaqueBuf<T>, table: &mut OpaqueBuf<T>) {
        table.relocate(packed, old);
    }
    #[inline(always)]
    fn slot_release(_: u32, table: &mut OpaqueBuf<T>) {
        table.dead += 1;
    }
    #[inline]
    fn slot_compact(slot: &mut u32, old: &OpaqueBuf<T>, table: &mut OpaqueBuf<T>) {
        table.relocate(slot, old);
    }
    #[inline(always)]
    fn compact_due(table: &OpaqueBuf<T>) -> bool {
        table.dead > 0 && table.dead > table.values.len() / 2
    }
    fn compact_begin(table: &mut OpaqueBuf<T>) -> OpaqueBuf<T> {
        table.compact_begin()
    }
}

//! The array kind: `[T; N]` of a scalar. Every layout keeps the array whole, the `N`
//! elements of one record side by side: a getter returns the whole array, so its elements
//! are read together and one contiguous load serves them (`N` columns would serve a
//! workload that reads one element, and cost `N` streams to one that reads them all).
//! `soa` is one column of arrays, `aosoa` eight arrays per block, `packed` the elements'
//! packed forms in the row; `heap_map` holds the array as one object.

use bumpalo::Bump;

use super::dynamic::wrong_dyn;
use super::scalar::short_type_name;
use super::{Kind, Leaf, Observer, Overflow, Scalar, Value, LANES};

/// The marker kind of a `[T; N]` field.
#[derive(Debug, Clone, Copy, Default)]
pub struct Array<T, const N: usize>(std::marker::PhantomData<T>);

/// `N` values of a packed form, for a `packed` row (`Default` for any `N`).
#[derive(Debug, Clone, Copy)]
#[repr(transparent)]
pub struct PackedArray<P, const N: usize>(pub [P; N]);

impl<P: Copy + Default, const N: usize> Default for PackedArray<P, N> {
    fn default() -> Self {
        PackedArray([P::default(); N])
    }
}

/// The arrays of the 8 records of an `aosoa` block (`Default` for any `N`).
#[derive(Debug, Clone, Copy)]
pub struct ArrayLanes<T, const N: usize>(pub [[T; N]; LANES]);

impl<T: Scalar, const N: usize> Default for ArrayLanes<T, N> {
    fn default() -> Self {
        ArrayLanes([[T::FILL; N]; LANES])
    }
}

impl<T: Scalar, const N: usize> Kind for Array<T, N> {
    super::leaf_access!();
    type Value = [T; N];
    type Ref<'a> = [T; N];
    type Table = ();
    type Column = Vec<[T; N]>;
    type Lanes = ArrayLanes<T, N>;
    type Packed = PackedArray<T::Packed, N>;
    type Slot = [T; N];

    #[inline(always)]
    fn as_ref(value: &[T; N]) -> [T; N] {
        *value
    }
    #[inline(always)]
    fn assign(value: &mut [T; N], x: [T; N]) {
        *value = x;
    }
    #[inline(always)]
    fn to_value(x: [T; N]) -> [T; N] {
        x
    }
    #[inline(always)]
    fn col_get<'a>(col: &'a Vec<[T; N]>, i: usize, _: &'a ()) -> [T; N] {
        col[i]
    }
    #[inline(always)]
    fn col_set(col: &mut Vec<[T; N]>, i: usize, x: [T; N], _: &mut ()) -> Result<(), Overflow> {
        col[i] = x;
        Ok(())
    }
    #[inline(always)]
    fn lane_get<'a>(lanes: &'a ArrayLanes<T, N>, lane: usize, _: &'a ()) -> [T; N] {
        lanes.0[lane]
    }
    #[inline(always)]
    fn lane_set(
        lanes: &mut ArrayLanes<T, N>,
        lane: usize,
        x: [T; N],
        _: &mut (),
    ) -> Result<(), Overflow> {
        lanes.0[lane] = x;
        Ok(())
    }
    #[inline(always)]
    fn unpack(packed: PackedArray<T::Packed, N>, _: &()) -> [T; N] {
        packed.0.map(T::unpack)
    }
    #[inline(always)]
    fn pack(
        x: [T; N],
        _: Option<PackedArray<T::Packed, N>>,
        _: &mut (),
    ) -> Result<PackedArray<T::Packed, N>, Overflow> {
        Ok(PackedArray(x.map(T::pack)))
    }
    #[inline(always)]
    fn blank_slot() -> [T; N] {
        [T::FILL; N]
    }
    #[inline(always)]
    fn slot(x: [T; N], _: Option<[T; N]>, _: &Bump, _: &mut ()) -> [T; N] {
        x
    }
    #[inline(always)]
    unsafe fn slot_ref<'a>(slot: &'a [T; N], _: &'a ()) -> [T; N] {
        *slot
    }
    #[inline]
    fn to_dyn(x: [T; N]) -> Value {
        Value::Object(Box::new(x))
    }
    #[inline]
    fn into_dyn(value: [T; N]) -> Value {
        Value::Object(Box::new(value))
    }
    #[inline]
    fn from_dyn(value: &Value) -> [T; N] {
        match value {
            Value::Object(_) => *value.object::<[T; N]>(),
            other => wrong_dyn(other),
        }
    }
    #[inline]
    fn observe(x: [T; N], leaf: usize, observer: &mut dyn Observer) {
        for v in x {
            if let Some(int) = v.as_int() {
                observer.int(leaf, int);
            }
        }
    }
}

impl<T: Scalar, const N: usize> Leaf for Array<T, N> {
    #[inline]
    fn col_reserve(col: &mut Vec<[T; N]>, additional: usize) {
        col.reserve_exact(additional);
    }
    #[inline(always)]
    fn col_push(col: &mut Vec<[T; N]>, value: [T; N], _: &mut ()) -> Result<(), Overflow> {
        col.push(value);
        Ok(())
    }
    #[inline(always)]
    fn col_move(col: &mut Vec<[T; N]>, from: usize, to: usize) {
        col[to] = col[from];
    }
    #[inline(always)]
    fn col_truncate(col: &mut Vec<[T; N]>, len: usize) {
        col.truncate(len);
    }
    fn col_parts(name: &str) -> Vec<(String, usize)> {
        let ty = short_type_name(std::any::type_name::<T>());
        vec![(
            format!("{name}: [{ty}; {N}]"),
            std::mem::size_of::<[T; N]>(),
        )]
    }
    #[inline(always)]
    fn lane_put(
        lanes: &mut ArrayLanes<T, N>,
        lane: usize,
        value: [T; N],
        _: &mut (),
    ) -> Result<(), Overflow> {
        lanes.0[lane] = value;
        Ok(())
    }
    #[inline(always)]
    fn lane_move(lanes: &mut ArrayLanes<T, N>, from: usize, to: usize) {
        lanes.0[to] = lanes.0[from];
    }
    #[inline(always)]
    fn lane_move_to(
        src: &mut ArrayLanes<T, N>,
        from: usize,
        dst: &mut ArrayLanes<T, N>,
        to: usize,
    ) {
        dst.0[to] = src.0[from];
    }
    #[inline(always)]
    fn lane_clear(lanes: &mut ArrayLanes<T, N>, from: usize) {
        lanes.0[from..].fill([T::FILL; N]);
    }
}

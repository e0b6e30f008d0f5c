//! The narrowed kind: `#[record(narrow = u16)]` on an integer field keeps it as the
//! narrower integer type in the compact layouts (`soa`, `packed`, `aosoa`, `grouped`), where
//! the bytes per record are the point, and as its own type everywhere else. A value that
//! does not fit — pushed or set — is an error naming the field
//! ([`crate::StoreError::NarrowFull`]), never a wrap. The harness proposes it when every
//! value the data held fits.

use bumpalo::Bump;

use super::dynamic::wrong_dyn;
use super::scalar::{short_type_name, ScalarLanes};
use super::{Kind, Leaf, Observer, Overflow, Scalar, Value};

/// The marker kind of an integer field of type `T` kept as `N` in the compact layouts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Narrow<T, N>(std::marker::PhantomData<(T, N)>);

/// `x` as an `N`, or why not.
#[inline(always)]
fn narrow<T: Scalar, N: Scalar>(x: T) -> Result<N, Overflow> {
    let value = x.as_int().expect("a narrowed field is an integer");
    N::from_int(value).ok_or(Overflow::Narrow {
        value,
        bytes: std::mem::size_of::<N>() as u8,
        signed: N::from_int(-1).is_some(),
    })
}

/// `n` back as a `T` (every `N` fits the wider `T`).
#[inline(always)]
fn widen<T: Scalar, N: Scalar>(n: N) -> T {
    T::from_int(n.as_int().expect("an integer")).expect("a narrower integer fits its field's type")
}

impl<T: Scalar, N: Scalar> Kind for Narrow<T, N> {
    super::leaf_access!();
    type Value = T;
    type Ref<'a> = T;
    type Table = ();
    type Column = Vec<N>;
    type Lanes = ScalarLanes<N>;
    type Packed = N::Packed;
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
    fn col_get<'a>(col: &'a Vec<N>, i: usize, _: &'a ()) -> T {
        widen(col[i])
    }
    #[inline(always)]
    fn col_set(col: &mut Vec<N>, i: usize, x: T, _: &mut ()) -> Result<(), Overflow> {
        col[i] = narrow(x)?;
        Ok(())
    }
    #[inline(always)]
    fn lane_get<'a>(lanes: &'a ScalarLanes<N>, lane: usize, _: &'a ()) -> T {
        widen(lanes.0[lane])
    }
    #[inline(always)]
    fn lane_set(lanes: &mut ScalarLanes<N>, lane: usize, x: T, _: &mut ()) -> Result<(), Overflow> {
        lanes.0[lane] = narrow(x)?;
        Ok(())
    }
    #[inline(always)]
    fn unpack(packed: N::Packed, _: &()) -> T {
        widen(N::unpack(packed))
    }
    #[inline(always)]
    fn pack(x: T, _: Option<N::Packed>, _: &mut ()) -> Result<N::Packed, Overflow> {
        Ok(narrow::<T, N>(x)?.pack())
    }
    #[inline(always)]
    fn blank_slot() -> T {
        T::FILL
    }
    #[inline(always)]
    fn slot(x: T, _: Option<T>, _: &Bump, _: &mut ()) -> T {
        x
    }
    #[inline(always)]
    unsafe fn slot_ref<'a>(slot: &'a T, _: &'a ()) -> T {
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
        T::from_dyn(value).unwrap_or_else(|| wrong_dyn(value))
    }
    #[inline]
    fn observe(x: T, leaf: usize, observer: &mut dyn Observer) {
        <T as Kind>::observe(x, leaf, observer);
    }
}

impl<T: Scalar, N: Scalar> Leaf for Narrow<T, N> {
    #[inline]
    fn col_reserve(col: &mut Vec<N>, additional: usize) {
        col.reserve_exact(additional);
    }
    #[inline(always)]
    fn col_push(col: &mut Vec<N>, value: T, _: &mut ()) -> Result<(), Overflow> {
        col.push(narrow(value)?);
        Ok(())
    }
    #[inline(always)]
    fn col_move(col: &mut Vec<N>, from: usize, to: usize) {
        col[to] = col[from];
    }
    #[inline(always)]
    fn col_truncate(col: &mut Vec<N>, len: usize) {
        col.truncate(len);
    }
    fn col_parts(name: &str) -> Vec<(String, usize)> {
        let (t, n) = (
            short_type_name(std::any::type_name::<T>()),
            short_type_name(std::any::type_name::<N>()),
        );
        vec![(
            format!("{name}: {n} (a {t} narrowed)"),
            std::mem::size_of::<N>(),
        )]
    }
    #[inline(always)]
    fn lane_put(
        lanes: &mut ScalarLanes<N>,
        lane: usize,
        value: T,
        _: &mut (),
    ) -> Result<(), Overflow> {
        lanes.0[lane] = narrow(value)?;
        Ok(())
    }
    super::copy_lanes!(ScalarLanes<N>, .0; N::FILL);
    #[inline(always)]
    fn packed_int(packed: N::Packed) -> Option<i128> {
        N::unpack(packed).as_int()
    }
    #[inline(always)]
    fn int_packed(value: i128) -> Option<N::Packed> {
        N::from_int(value).map(N::pack)
    }
}

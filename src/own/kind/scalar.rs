//! The scalar kind: plain values a record field can hold besides `String` (`bool`, every
//! integer, `f32`, `f64`, `char`, and fieldless enums that `#[derive(Scalar)]`), and how
//! every [`Scalar`] lives in every layout ([`Kind`] for all of them at once).
//!
//! A [`Scalar`] is `Copy`, so every layout can hand it out by value. It says how it looks
//! in the `packed` row (a `u8` code for `bool` and enums, a `u32` for `char`) and in the
//! `heap_map` layout's dynamic values (an enum by its variant's name), which is all the
//! layouts need to know about it.

use std::fmt::Debug;

use bumpalo::Bump;

use super::dynamic::wrong_dyn;
use super::{Kind, Leaf, Observer, Overflow, Present, Value, LANES};
use crate::own::schema::FieldKind;

/// A plain, `Copy` field type: `bool`, `i8` … `i128`, `u8` … `u128`, `isize`, `usize`,
/// `f32`, `f64`, `char`, or a fieldless enum with `#[derive(layoutlab::Scalar)]`.
///
/// Implemented by layoutlab for the primitives and by the derive for enums; the hidden
/// methods are the layouts' business, not the user's.
///
/// # Examples
///
/// ```
/// use layoutlab::Scalar;
/// use layoutlab::own::FieldKind;
///
/// #[derive(Scalar, Clone, Copy, Debug, PartialEq)]
/// pub enum Side { Buy, Sell }
///
/// assert_eq!(Side::KIND, FieldKind::Enum);
/// assert_eq!(Side::VARIANTS, ["Buy", "Sell"]);
/// assert_eq!(<bool as Scalar>::KIND, FieldKind::Bool);
/// assert_eq!(std::mem::size_of::<<char as Scalar>::Packed>(), 4);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a field type #[derive(Record)] can store",
    label = "not a supported field type",
    note = "supported: bool, i8..i128, u8..u128, isize, usize, f32, f64, char, String, \
            fieldless enums that #[derive(layoutlab::Scalar)], and Option, arrays and lists of \
            these; a nested record takes #[record(flatten)], any other type #[record(opaque)]"
)]
pub trait Scalar: Copy + PartialEq + Debug + 'static {
    /// What kind of value this is, for the schema.
    const KIND: FieldKind;
    /// The variants' names, in declaration order (enums only; empty otherwise).
    const VARIANTS: &'static [&'static str] = &[];
    /// How the value is stored in a `packed` row: `u8` for `bool` and enums, `u32` for
    /// `char`, the type itself otherwise.
    type Packed: Copy + Default + PartialEq + Debug + 'static;

    /// A value for the unused lanes of an `aosoa` block and for fresh rows (`false`, zero,
    /// `'\0'`, an enum's first variant). Never read as a record's value.
    #[doc(hidden)]
    const FILL: Self;
    /// The packed form.
    #[doc(hidden)]
    fn pack(self) -> Self::Packed;
    /// Back from the packed form.
    ///
    /// # Panics
    ///
    /// If `packed` was not made by [`Scalar::pack`] (a broken invariant of the layout).
    #[doc(hidden)]
    fn unpack(packed: Self::Packed) -> Self;
    /// The dynamic value the `heap_map` layout stores.
    #[doc(hidden)]
    fn to_dyn(self) -> Value;
    /// Back from a dynamic value, or `None` if it holds another kind of value.
    #[doc(hidden)]
    fn from_dyn(value: &Value) -> Option<Self>;
    /// The value as an integer, for the data's ranges (integers only).
    #[doc(hidden)]
    #[inline(always)]
    fn as_int(self) -> Option<i128> {
        None
    }
    /// The value of an integer, if this is an integer type that holds it.
    #[doc(hidden)]
    #[inline(always)]
    fn from_int(_value: i128) -> Option<Self> {
        None
    }

    /// How an `Option` of the value is stored in a `packed` row: in a niche of the packed
    /// form where it has one (`bool`: 2, `char`: a code above `char::MAX`, an enum of fewer
    /// than 256 variants: code 255), else the packed form behind a presence byte
    /// ([`Present`]).
    #[doc(hidden)]
    type PackedOpt: Copy + Default + PartialEq + Debug + 'static;
    /// Whether [`Scalar::PackedOpt`] is a niche (no byte added).
    #[doc(hidden)]
    const NICHE: bool;
    /// The packed form of an `Option`.
    #[doc(hidden)]
    fn pack_opt(x: Option<Self>) -> Self::PackedOpt;
    /// Back from it.
    #[doc(hidden)]
    fn unpack_opt(packed: Self::PackedOpt) -> Option<Self>;
}

/// One [`Scalar`] impl per row: the schema's kind, the fill value, the packed type with the
/// conversions into and out of it, the dynamic variant with the conversions into and out
/// of it, the integer view, and how an `Option` is packed (`niche` with the packed `None`,
/// or `present`).
macro_rules! scalars {
    ($($ty:ty => $kind:ident, fill $fill:expr, packed $packed:ty: $pack:expr, $unpack:expr,
        dyn $variant:ident: $wrap:expr, $unwrap:expr, int $int:expr, opt $opt:ident $($none:expr)?;)*) => {$(
        // One closure shape for every row, boxed values included.
        #[allow(clippy::redundant_closure, clippy::borrowed_box, clippy::redundant_closure_call)]
        impl Scalar for $ty {
            const KIND: FieldKind = FieldKind::$kind;
            type Packed = $packed;
            const FILL: Self = $fill;
            #[inline]
            fn pack(self) -> $packed {
                ($pack)(self)
            }
            #[inline]
            fn unpack(packed: $packed) -> Self {
                ($unpack)(packed)
            }
            #[inline]
            fn to_dyn(self) -> Value {
                Value::$variant(($wrap)(self))
            }
            #[inline]
            fn from_dyn(value: &Value) -> Option<Self> {
                match value {
                    Value::$variant(x) => ($unwrap)(x),
                    _ => None,
                }
            }
            #[inline(always)]
            fn as_int(self) -> Option<i128> {
                ($int)(self)
            }
            #[inline(always)]
            fn from_int(value: i128) -> Option<Self> {
                scalars!(@from $kind $ty, value)
            }
            scalars!(@opt $opt $packed $(, $none)?);
        }
    )*};
    (@from Int $ty:ty, $value:expr) => { <$ty>::try_from($value).ok() };
    (@from UInt $ty:ty, $value:expr) => { <$ty>::try_from($value).ok() };
    (@from $other:ident $ty:ty, $value:expr) => { { let _ = $value; None } };
    (@opt niche $packed:ty, $none:expr) => {
        type PackedOpt = $packed;
        const NICHE: bool = true;
        #[inline(always)]
        fn pack_opt(x: Option<Self>) -> $packed {
            x.map_or($none, <Self as Scalar>::pack)
        }
        #[inline(always)]
        fn unpack_opt(packed: $packed) -> Option<Self> {
            (packed != $none).then(|| <Self as Scalar>::unpack(packed))
        }
    };
    (@opt present $packed:ty) => {
        type PackedOpt = Present<$packed>;
        const NICHE: bool = false;
        #[inline(always)]
        fn pack_opt(x: Option<Self>) -> Present<$packed> {
            Present::new(x.map(<Self as Scalar>::pack))
        }
        #[inline(always)]
        fn unpack_opt(packed: Present<$packed>) -> Option<Self> {
            packed.get().map(<Self as Scalar>::unpack)
        }
    };
}

// `bool` packs to a `u8` (0 or 1), `char` to its code point; both stay themselves in a
// dynamic value, and both have a niche for `None` (2; a code above `char::MAX`).
scalars! {
    bool => Bool, fill false, packed u8: u8::from, |p: u8| p != 0,
        dyn Bool: |x| x, |x: &bool| Some(*x), int |_| None, opt niche 2;
    char => Char, fill '\0', packed u32: u32::from, |p: u32| char::from_u32(p)
            .expect("a packed char field holds a code point written by pack"),
        dyn Char: |x| x, |x: &char| Some(*x), int |_| None, opt niche u32::MAX;
}

/// Integers up to 64 bits are their own packed form and widen losslessly into the dynamic
/// value's 64 bits, coming back only if they fit. Every value is legal, so an `Option`
/// takes a presence byte.
macro_rules! integers {
    ($kind:ident($wide:ty): $($ty:ty),*) => {
        scalars! {
            $($ty => $kind, fill 0, packed $ty: |x| x, |x| x,
                dyn $kind: |x| x as $wide, |x: &$wide| <$ty>::try_from(*x).ok(),
                int |x| i128::try_from(x).ok(), opt present;)*
        }
    };
}

integers!(Int(i64): i8, i16, i32, i64, isize);
integers!(UInt(u64): u8, u16, u32, u64, usize);

// 128-bit integers are boxed in a dynamic value, as a dynamic language would; floats stay
// as they are. All are their own packed form. A float's NaNs are values, not a niche.
scalars! {
    i128 => Int, fill 0, packed i128: |x| x, |x| x, dyn I128: Box::new, |x: &Box<i128>| Some(**x),
        int |x| Some(x), opt present;
    u128 => UInt, fill 0, packed u128: |x| x, |x| x, dyn U128: Box::new, |x: &Box<u128>| Some(**x),
        int |x| i128::try_from(x).ok(), opt present;
    f32 => Float, fill 0.0, packed f32: |x| x, |x| x, dyn F32: |x| x, |x: &f32| Some(*x),
        int |_| None, opt present;
    f64 => Float, fill 0.0, packed f64: |x| x, |x| x, dyn Float: |x| x, |x: &f64| Some(*x),
        int |_| None, opt present;
}

/// The dynamic value of an enum: its variant's name. Used by `#[derive(Scalar)]`.
#[doc(hidden)]
#[inline]
pub fn enum_to_dyn<T: Scalar<Packed = u8>>(value: T) -> Value {
    Value::Enum(T::VARIANTS[usize::from(value.pack())])
}

/// The enum value whose variant is named by a dynamic value. Used by `#[derive(Scalar)]`.
#[doc(hidden)]
#[inline]
pub fn enum_from_dyn<T: Scalar<Packed = u8>>(value: &Value) -> Option<T> {
    match value {
        Value::Enum(name) => T::VARIANTS
            .iter()
            .position(|v| v == name)
            .map(|code| T::unpack(code as u8)),
        _ => None,
    }
}

/// What an enum's `unpack` does with a code no variant has: a broken invariant.
#[doc(hidden)]
#[cold]
#[inline(never)]
pub fn bad_code(type_name: &str, code: u8) -> ! {
    panic!("{type_name}: no variant has code {code} (codes are written only by Scalar::pack)")
}

impl<T: Scalar> Kind for T {
    super::leaf_access!();
    type Value = T;
    type Ref<'a> = T;
    type Table = ();
    type Column = Vec<T>;
    type Lanes = ScalarLanes<T>;
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
    fn col_get<'a>(col: &'a Vec<T>, i: usize, _: &'a ()) -> T {
        col[i]
    }
    #[inline(always)]
    fn col_set(col: &mut Vec<T>, i: usize, x: T, _: &mut ()) -> Result<(), Overflow> {
        col[i] = x;
        Ok(())
    }
    #[inline(always)]
    fn lane_get<'a>(lanes: &'a ScalarLanes<T>, lane: usize, _: &'a ()) -> T {
        lanes.0[lane]
    }
    #[inline(always)]
    fn lane_set(lanes: &mut ScalarLanes<T>, lane: usize, x: T, _: &mut ()) -> Result<(), Overflow> {
        lanes.0[lane] = x;
        Ok(())
    }
    #[inline(always)]
    fn unpack(packed: T::Packed, _: &()) -> T {
        T::unpack(packed)
    }
    #[inline(always)]
    fn pack(x: T, _: Option<T::Packed>, _: &mut ()) -> Result<T::Packed, Overflow> {
        Ok(x.pack())
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
        match T::from_dyn(value) {
            Some(x) => x,
            None => wrong_dyn(value),
        }
    }
    #[inline]
    fn observe(x: T, leaf: usize, observer: &mut dyn Observer) {
        if let Some(int) = x.as_int() {
            observer.int(leaf, int);
        }
        // Only a NaN is not equal to itself.
        #[allow(clippy::eq_op)]
        if x != x {
            observer.nan(leaf);
        }
    }
}

impl<T: Scalar> Leaf for T {
    #[inline]
    fn col_reserve(col: &mut Vec<T>, additional: usize) {
        col.reserve_exact(additional);
    }
    #[inline(always)]
    fn col_push(col: &mut Vec<T>, value: T, _: &mut ()) -> Result<(), Overflow> {
        col.push(value);
        Ok(())
    }
    #[inline(always)]
    fn col_move(col: &mut Vec<T>, from: usize, to: usize) {
        col[to] = col[from];
    }
    #[inline(always)]
    fn col_truncate(col: &mut Vec<T>, len: usize) {
        col.truncate(len);
    }
    fn col_parts(name: &str) -> Vec<(String, usize)> {
        vec![(
            format!("{name}: {}", short_type_name(std::any::type_name::<T>())),
            std::mem::size_of::<T>(),
        )]
    }
    #[inline(always)]
    fn lane_put(
        lanes: &mut ScalarLanes<T>,
        lane: usize,
        value: T,
        _: &mut (),
    ) -> Result<(), Overflow> {
        lanes.0[lane] = value;
        Ok(())
    }
    super::copy_lanes!(ScalarLanes<T>, .0; T::FILL);
    #[inline(always)]
    fn packed_int(packed: T::Packed) -> Option<i128> {
        T::unpack(packed).as_int()
    }
    #[inline(always)]
    fn int_packed(value: i128) -> Option<T::Packed> {
        T::from_int(value).map(T::pack)
    }
}

/// A scalar field of the 8 records of an `aosoa` block (unused lanes hold the fill value).
#[derive(Debug, Clone, Copy)]
pub struct ScalarLanes<T>(pub [T; LANES]);

impl<T: Scalar> Default for ScalarLanes<T> {
    fn default() -> Self {
        ScalarLanes([T::FILL; LANES])
    }
}

/// `alloc::string::String` → `String`, `my_crate::Side` → `Side`, keeping generic
/// arguments (`Option<f64>`) readable.
pub(crate) fn short_type_name(name: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(word.rsplit("::").next().unwrap_or(&word));
    out
}

#[cfg(test)]
mod tests {
    // Not `Kind`, whose `from_dyn` has the same name.
    use super::{Scalar, Value};

    fn round_trip<T: Scalar>(values: &[T]) {
        for &v in values {
            assert_eq!(T::unpack(v.pack()), v);
            assert_eq!(T::from_dyn(&v.to_dyn()), Some(v));
        }
    }

    #[test]
    fn primitives_round_trip_through_packed_and_dynamic_forms() {
        round_trip(&[true, false]);
        round_trip(&['a', '\u{10FFFF}', '\0']);
        round_trip(&[i8::MIN, i8::MAX]);
        round_trip(&[i128::MIN, i128::MAX]);
        round_trip(&[u128::MAX, 0]);
        round_trip(&[usize::MAX, 0]);
        round_trip(&[isize::MIN]);
        round_trip(&[f32::MIN_POSITIVE, -0.0, f32::INFINITY]);
        let signalling = f32::from_bits(0x7fa0_0000);
        assert_eq!(
            f32::from_dyn(&signalling.to_dyn()).map(f32::to_bits),
            Some(0x7fa0_0000)
        );
        round_trip(&[f64::MAX, -0.0]);
        assert_eq!(f64::from_dyn(&Value::Bool(true)), None);
        assert_eq!(u8::from_dyn(&Value::UInt(300)), None);
    }
}

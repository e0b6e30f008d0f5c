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

use super::{wrong_dyn, Kind, Overflow, Value};
use crate::intern::Full;
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
    note = "supported: bool, i8..i128, u8..u128, isize, usize, f32, f64, char, String, and \
            fieldless enums that #[derive(layoutlab::Scalar)]"
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
}

/// One [`Scalar`] impl per row: the schema's kind, the fill value, the packed type with the
/// conversions into and out of it, and the dynamic variant with the conversions into and
/// out of it.
macro_rules! scalars {
    ($($ty:ty => $kind:ident, fill $fill:expr, packed $packed:ty: $pack:expr, $unpack:expr,
        dyn $variant:ident: $wrap:expr, $unwrap:expr;)*) => {$(
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
        }
    )*};
}

// `bool` packs to a `u8` (0 or 1), `char` to its code point; both stay themselves in a
// dynamic value.
scalars! {
    bool => Bool, fill false, packed u8: u8::from, |p: u8| p != 0,
        dyn Bool: |x| x, |x: &bool| Some(*x);
    char => Char, fill '\0', packed u32: u32::from, |p: u32| char::from_u32(p)
            .expect("a packed char field holds a code point written by pack"),
        dyn Char: |x| x, |x: &char| Some(*x);
}

/// Integers up to 64 bits are their own packed form and widen losslessly into the dynamic
/// value's 64 bits, coming back only if they fit.
macro_rules! integers {
    ($kind:ident($wide:ty): $($ty:ty),*) => {
        scalars! {
            $($ty => $kind, fill 0, packed $ty: |x| x, |x| x,
                dyn $kind: |x| x as $wide, |x: &$wide| <$ty>::try_from(*x).ok();)*
        }
    };
}

integers!(Int(i64): i8, i16, i32, i64, isize);
integers!(UInt(u64): u8, u16, u32, u64, usize);

// 128-bit integers are boxed in a dynamic value, as a dynamic language would; floats stay
// as they are. All are their own packed form.
scalars! {
    i128 => Int, fill 0, packed i128: |x| x, |x| x, dyn I128: Box::new, |x: &Box<i128>| Some(**x);
    u128 => UInt, fill 0, packed u128: |x| x, |x| x, dyn U128: Box::new, |x: &Box<u128>| Some(**x);
    f32 => Float, fill 0.0, packed f32: |x| x, |x| x, dyn F32: |x| x, |x: &f32| Some(*x);
    f64 => Float, fill 0.0, packed f64: |x| x, |x| x, dyn Float: |x| x, |x: &f64| Some(*x);
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

//! The dynamic value every kind has a form in: what the `heap_map` layout stores per field,
//! as a dynamic language holds it. It lives with the kinds (each kind says how it goes into
//! and out of a [`Value`]) and below them, so that the layout and the kinds both use it and
//! neither imports the other's internals.

/// A dynamically typed field value, as a dynamic language holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A `bool`.
    Bool(bool),
    /// A signed integer up to 64 bits.
    Int(i64),
    /// An unsigned integer up to 64 bits.
    UInt(u64),
    /// An `i128`, boxed (as a dynamic language boxes big integers), so that the other
    /// values are not widened to 16-byte alignment for it.
    I128(Box<i128>),
    /// A `u128`, boxed.
    U128(Box<u128>),
    /// An `f32`, kept as one (widening would quiet a signalling NaN).
    F32(f32),
    /// An `f64`.
    Float(f64),
    /// A `char`.
    Char(char),
    /// A `String`, owned.
    Text(String),
    /// An enum value, by its variant's name (shared, as a dynamic language shares an enum
    /// member).
    Enum(&'static str),
}

/// What reading a dynamic value of another kind than the field's does: a broken invariant.
#[cold]
#[inline(never)]
pub(super) fn wrong_dyn(value: &Value) -> ! {
    panic!("heap_map field holds {value:?}, which is not of the field's kind (push writes every field by its kind)")
}

//! The dynamic value every kind has a form in: what the `heap_map` layout stores per field,
//! as a dynamic language holds it. It lives with the kinds (each kind says how it goes into
//! and out of a [`Value`]) and below them, so that the layout and the kinds both use it and
//! neither imports the other's internals.

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Debug;

use crate::hash::FixedState;

/// One record of the `heap_map` layout (and a flattened record inside it): field name to
/// value, hashed with fixed seeds so that counts repeat.
pub type FieldMap = HashMap<String, Value, FixedState>;

/// A dynamically typed field value, as a dynamic language holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `None` of an `Option` field.
    Null,
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
    /// A flattened record: a map of its own, as a dict inside a dict.
    Map(Box<FieldMap>),
    /// Any other value (an array, a list, an opaque field): a heap object of the field's own
    /// type, as a dynamic language holds a list or an object by reference.
    Object(Box<dyn DynValue>),
}

/// A value a [`Value::Object`] can hold: any `Clone + Debug + PartialEq` type.
pub trait DynValue: Any + Debug {
    /// A boxed copy.
    fn clone_box(&self) -> Box<dyn DynValue>;
    /// Whether `other` is a value of the same type, equal to this one.
    fn eq_dyn(&self, other: &dyn DynValue) -> bool;
    /// The value as `Any`, to downcast.
    fn as_any(&self) -> &dyn Any;
    /// The same, mutably.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any + Clone + Debug + PartialEq> DynValue for T {
    fn clone_box(&self) -> Box<dyn DynValue> {
        Box::new(self.clone())
    }
    fn eq_dyn(&self, other: &dyn DynValue) -> bool {
        other.as_any().downcast_ref::<T>() == Some(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl Clone for Box<dyn DynValue> {
    fn clone(&self) -> Self {
        (**self).clone_box()
    }
}

impl PartialEq for Box<dyn DynValue> {
    fn eq(&self, other: &Self) -> bool {
        (**self).eq_dyn(&**other)
    }
}

impl Value {
    /// The object of type `T` this value holds.
    ///
    /// # Panics
    ///
    /// If it holds anything else (a broken invariant of the `heap_map` layout).
    #[inline]
    pub fn object<T: Any>(&self) -> &T {
        match self {
            Value::Object(o) => match (**o).as_any().downcast_ref::<T>() {
                Some(t) => t,
                None => wrong_dyn(self),
            },
            other => wrong_dyn(other),
        }
    }

    /// The map of a flattened record.
    ///
    /// # Panics
    ///
    /// If this value is not one.
    #[inline]
    pub fn map(&self) -> &FieldMap {
        match self {
            Value::Map(map) => map,
            other => wrong_dyn(other),
        }
    }

    /// The same, mutably.
    ///
    /// # Panics
    ///
    /// If this value is not one.
    #[inline]
    pub fn map_mut(&mut self) -> &mut FieldMap {
        match self {
            Value::Map(map) => map,
            other => wrong_dyn(other),
        }
    }
}

/// The value of field `name` in a record's map.
///
/// # Panics
///
/// If the record has no such field: `push` writes every field.
#[inline]
pub fn dyn_field<'m>(map: &'m FieldMap, name: &str) -> &'m Value {
    match map.get(name) {
        Some(value) => value,
        None => panic!("heap_map record has no field {name:?} (push writes every field)"),
    }
}

/// The same, mutably.
///
/// # Panics
///
/// If the record has no such field.
#[inline]
pub fn dyn_field_mut<'m>(map: &'m mut FieldMap, name: &str) -> &'m mut Value {
    match map.get_mut(name) {
        Some(value) => value,
        None => panic!("heap_map record has no field {name:?} (push writes every field)"),
    }
}

/// What reading a dynamic value of another kind than the field's does: a broken invariant.
#[cold]
#[inline(never)]
pub(super) fn wrong_dyn(value: &Value) -> ! {
    panic!("heap_map field holds {value:?}, which is not of the field's kind (push writes every field by its kind)")
}

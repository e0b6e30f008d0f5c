//! One CSV row as serde sees a record: a serde `Deserializer` over the row's cells that
//! walks the record's schema, so that a flattened record's columns (`place.geo.lat`) come
//! back as the nested struct the user's `Deserialize` expects, and each cell is parsed as the
//! type serde asks for.
//!
//! The csv crate's own deserializer cannot nest (a flat header has no struct inside it);
//! this one reads cells as it does otherwise — `true`/`false`, integers in decimal or `0x`
//! hex, floats as Rust parses them (`NaN`, `inf`), a fieldless enum by variant name, an
//! empty cell as `None` for an `Option` (and as `""` for a `String`) — so a flat record
//! reads as it always did. Its errors say what was expected and what the cell held;
//! `serde_path_to_error` adds the field's path.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};

use crate::error::excerpt;
use crate::own::{FieldKind, FieldSchema, Schema};

/// Why a cell does not give the value asked for.
#[derive(Debug)]
pub(super) struct CellError(String);

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CellError {}

impl de::Error for CellError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        CellError(message.to_string())
    }
}

/// The cells of one record (or of one flattened record inside it), in leaf order.
pub(super) struct Row<'a> {
    schema: &'static Schema,
    cells: &'a [&'a str],
}

impl<'a> Row<'a> {
    /// The row `cells` of a record of `schema`: one cell per leaf field, in order.
    pub(super) fn new(schema: &'static Schema, cells: &'a [&'a str]) -> Self {
        Row { schema, cells }
    }
}

/// Leaf fields of `schema`: a field, or each leaf of a flattened record.
fn leaf_count(schema: &Schema) -> usize {
    schema
        .fields
        .iter()
        .map(|f| f.nested.map_or(1, leaf_count))
        .sum()
}

impl<'de> de::Deserializer<'de> for Row<'_> {
    type Error = CellError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_map(Fields {
            fields: self.schema.fields.iter(),
            cells: self.cells,
            value: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// A record's fields as a map from name to cell (or to a flattened record's cells).
struct Fields<'a> {
    fields: std::slice::Iter<'static, FieldSchema>,
    cells: &'a [&'a str],
    value: Option<Value<'a>>,
}

enum Value<'a> {
    Cell(Cell<'a>),
    Record(Row<'a>),
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = CellError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, CellError> {
        let Some(field) = self.fields.next() else {
            return Ok(None);
        };
        let cells = field.nested.map_or(1, leaf_count);
        let (mine, rest) = self
            .cells
            .split_at_checked(cells)
            .ok_or_else(|| CellError("fewer cells than the record's fields".to_owned()))?;
        self.cells = rest;
        self.value = Some(match field.nested {
            Some(nested) => Value::Record(Row::new(nested, mine)),
            None => Value::Cell(Cell::new(mine[0], field.kind, field.element)),
        });
        let key: de::value::StrDeserializer<'_, CellError> = field.name.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, CellError> {
        match self.value.take() {
            Some(Value::Cell(cell)) => seed.deserialize(cell),
            Some(Value::Record(row)) => seed.deserialize(row),
            None => Err(CellError("a value asked for before its key".to_owned())),
        }
    }
}

/// One cell, to be read as the kind of its field.
struct Cell<'a> {
    text: &'a str,
    kind: FieldKind,
    /// What an `Option`'s `Some` holds.
    element: Option<FieldKind>,
    /// Whether the cell is the value of an `Option` (an empty one would have been `None`).
    optional: bool,
}

impl<'a> Cell<'a> {
    fn new(text: &'a str, kind: FieldKind, element: Option<FieldKind>) -> Self {
        Cell {
            text,
            kind,
            element,
            optional: false,
        }
    }

    /// The error for a cell that is not a `what`, with the reason the parser gave.
    fn expected(&self, what: &str, why: Option<&dyn fmt::Display>) -> CellError {
        let or_empty = if self.optional {
            " or an empty cell (None)"
        } else {
            ""
        };
        let found = if self.text.is_empty() {
            "an empty cell".to_owned()
        } else {
            excerpt(self.text)
        };
        let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
        CellError(format!("expected {what}{or_empty}, found {found}{why}"))
    }

    /// The cell as the `Some` of an `Option`.
    fn some(self) -> Self {
        Cell {
            kind: self.element.unwrap_or(self.kind),
            element: None,
            optional: true,
            ..self
        }
    }

    fn parse<T: std::str::FromStr>(&self, what: &str) -> Result<T, CellError>
    where
        T::Err: fmt::Display,
    {
        self.text
            .parse()
            .map_err(|e: T::Err| self.expected(what, Some(&e)))
    }
}

/// An integer in decimal, or in hex after `0x`, as the csv crate reads one.
macro_rules! deserialize_int {
    ($($method:ident $visit:ident $ty:ident,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
            let n = match self.text.strip_prefix("0x") {
                Some(hex) => $ty::from_str_radix(hex, 16)
                    .map_err(|e| self.expected(stringify!($ty), Some(&e)))?,
                None => self.parse::<$ty>(stringify!($ty))?,
            };
            visitor.$visit(n)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Cell<'_> {
    type Error = CellError;

    /// For a type whose `Deserialize` does not say what it wants: the value the field's kind
    /// holds, so that a number stays a number.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.kind {
            FieldKind::Option if self.text.is_empty() => visitor.visit_none(),
            FieldKind::Option => self.some().deserialize_any(visitor),
            FieldKind::Bool => self.deserialize_bool(visitor),
            FieldKind::Int => match self.text.parse::<i64>() {
                Ok(n) => visitor.visit_i64(n),
                Err(_) => self.deserialize_i128(visitor),
            },
            FieldKind::UInt => match self.text.parse::<u64>() {
                Ok(n) => visitor.visit_u64(n),
                Err(_) => self.deserialize_u128(visitor),
            },
            FieldKind::Float => self.deserialize_f64(visitor),
            FieldKind::Char => self.deserialize_char(visitor),
            FieldKind::Enum | FieldKind::String => visitor.visit_str(self.text),
            FieldKind::Array | FieldKind::List | FieldKind::Record | FieldKind::Opaque => {
                Err(self.expected("a value that fits a CSV cell", None))
            }
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        match self.text {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(self.expected("bool (true or false)", None)),
        }
    }

    deserialize_int! {
        deserialize_i8 visit_i8 i8,
        deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64,
        deserialize_i128 visit_i128 i128,
        deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64,
        deserialize_u128 visit_u128 u128,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_f32(self.parse("f32")?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_f64(self.parse("f64")?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        let mut chars = self.text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => Err(self.expected("char (one character)", None)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_str(self.text)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_str(self.text)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_bytes(self.text.as_bytes())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_bytes(self.text.as_bytes())
    }

    /// An empty cell is `None` (so `Some("")` cannot be written in CSV: JSON Lines can).
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        if self.text.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self.some())
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, CellError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, CellError> {
        Err(self.expected("a sequence, which does not fit a CSV cell", None))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, CellError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, CellError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, CellError> {
        Err(self.expected("a map, which does not fit a CSV cell", None))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CellError> {
        self.deserialize_map(visitor)
    }

    /// A fieldless enum, by variant name (the variant's own error names those there are).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, CellError> {
        let variant: de::value::StrDeserializer<'_, CellError> = self.text.into_deserializer();
        visitor.visit_enum(variant)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_str(self.text)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, CellError> {
        visitor.visit_unit()
    }
}

//! What a record is made of, as the reports need to say it: each field's name, its type as
//! written, what kind of value it holds, whether it is interned or cold, and what it costs
//! in the user's struct and in the `packed` row.
//!
//! `#[derive(Record)]` writes the schema as a constant ([`Record::SCHEMA`]), with the sizes
//! computed by the compiler (`size_of`), so it cannot drift from the types.
//!
//! [`Record::SCHEMA`]: crate::Record::SCHEMA

use serde::Serialize;

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// `bool`.
    Bool,
    /// A signed integer: `i8` … `i128`, `isize`.
    Int,
    /// An unsigned integer: `u8` … `u128`, `usize`.
    UInt,
    /// `f32` or `f64`.
    Float,
    /// `char`.
    Char,
    /// A fieldless enum that derives [`Scalar`](crate::Scalar).
    Enum,
    /// `String`.
    String,
    /// `Option<T>`; [`FieldSchema::element`] says what `T` is.
    Option,
    /// `[T; N]`; [`FieldSchema::element`] says what `T` is, [`FieldSchema::len`] is `N`.
    Array,
    /// `Vec<T>` or `Box<[T]>`; [`FieldSchema::element`] says what `T` is (`String` for a
    /// `Vec<String>`).
    List,
    /// A `#[record(flatten)]` record; [`FieldSchema::nested`] is its schema.
    Record,
    /// A `#[record(opaque)]` value, laid out no further.
    Opaque,
}

impl FieldKind {
    /// Whether values of this kind are numbers (integers or floats).
    pub fn is_number(self) -> bool {
        matches!(self, FieldKind::Int | FieldKind::UInt | FieldKind::Float)
    }
}

/// The id type of an interned `String` field (`#[record(intern = u8|u16|u32)]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InternWidth {
    /// At most 256 distinct values.
    U8,
    /// At most 65 536 distinct values (the default of `#[record(intern)]`).
    U16,
    /// At most 4 294 967 296 distinct values.
    U32,
}

impl InternWidth {
    /// The id type's name: `"u8"`, `"u16"` or `"u32"`.
    pub const fn type_name(self) -> &'static str {
        match self {
            InternWidth::U8 => "u8",
            InternWidth::U16 => "u16",
            InternWidth::U32 => "u32",
        }
    }

    /// How many distinct values the id type holds.
    pub const fn capacity(self) -> u64 {
        match self {
            InternWidth::U8 => 1 << 8,
            InternWidth::U16 => 1 << 16,
            InternWidth::U32 => 1 << 32,
        }
    }

    /// The id's size in bytes.
    pub const fn bytes(self) -> usize {
        match self {
            InternWidth::U8 => 1,
            InternWidth::U16 => 2,
            InternWidth::U32 => 4,
        }
    }
}

/// One field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldSchema {
    /// The field's name.
    pub name: &'static str,
    /// Its type as written in the struct (`"String"`, `"f64"`, `"Side"`).
    pub ty: &'static str,
    /// What kind of value it holds.
    pub kind: FieldKind,
    /// What an `Option`, an array or a list holds.
    pub element: Option<FieldKind>,
    /// An array's length.
    pub len: Option<usize>,
    /// Bytes of one element of an `Option`, an array or a list (0 for other fields).
    pub element_size: usize,
    /// The id type, when the field is an interned `String` (or holds interned ones).
    pub intern: Option<InternWidth>,
    /// Whether the field is `#[record(cold)]`: the `hot_cold` layout stores it apart.
    pub cold: bool,
    /// The narrower integer type the compact layouts keep it as (`#[record(narrow = u16)]`).
    pub narrow: Option<&'static str>,
    /// Its group in the `grouped` layout (`#[record(group = "…")]`).
    pub group: Option<&'static str>,
    /// `size_of` of its Rust type (24 for a `String`, whose text is on the heap besides).
    pub size: usize,
    /// Its size in the `packed` row: the id for an interned string, an (offset, length)
    /// pair into the store's text buffer for another string, a `u8` for a `bool` or an enum,
    /// a `u32` for a `char`, the value itself otherwise.
    pub packed_size: usize,
    /// The schema of a flattened record.
    #[serde(skip)]
    pub nested: Option<&'static Schema>,
}

/// One leaf field of a record: a field, or a field of a flattened record (each of its own
/// fields counts, the flattened field itself does not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeafSchema {
    /// `price`, or `pos.lat` for field `lat` of flattened field `pos`.
    pub path: String,
    /// The field.
    pub field: FieldSchema,
    /// Whether it is cold, itself or through a flattened field that is.
    pub cold: bool,
}

/// A record's name and fields, in declaration order.
///
/// # Examples
///
/// ```
/// use layoutlab::{Record, Scalar};
/// use layoutlab::own::FieldKind;
///
/// #[derive(Record, Clone, Debug, PartialEq)]
/// pub struct Trade {
///     #[record(intern = u16)]
///     pub symbol: String,
///     pub price: f64,
///     pub side: Side,
///     #[record(cold)]
///     pub venue: String,
/// }
/// #[derive(Scalar, Clone, Copy, Debug, PartialEq)]
/// pub enum Side { Buy, Sell }
///
/// let schema = Trade::SCHEMA;
/// assert_eq!(schema.name, "Trade");
/// assert_eq!(schema.fields[2].kind, FieldKind::Enum);
/// assert_eq!(schema.fields[2].packed_size, 1);
/// assert!(schema.has_cold());
/// assert_eq!(schema.leaves()[3].path, "venue");
/// // 2-byte id + f64 + u8 code + (offset, length) of the venue's text
/// assert_eq!(schema.packed_size(), 2 + 8 + 1 + 8);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Schema {
    /// The record type's name.
    pub name: &'static str,
    /// Its fields, in declaration order (a flattened record's fields are in its own
    /// schema, [`FieldSchema::nested`]; [`Schema::leaves`] lists every leaf).
    pub fields: &'static [FieldSchema],
    /// Whether the struct is `#[repr(C)]` (its field order is then the one in memory).
    pub repr_c: bool,
}

impl Schema {
    /// Whether any field is `#[record(cold)]` (the `hot_cold` layout exists only then).
    pub fn has_cold(&self) -> bool {
        self.fields.iter().any(|f| f.cold)
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Bytes of one `packed` row: the sum of the fields' packed sizes.
    pub fn packed_size(&self) -> usize {
        self.fields.iter().map(|f| f.packed_size).sum()
    }

    /// The record's leaf fields, in order: what the counting store counts and the reports
    /// list, a flattened record's fields in its place (`pos.lat`, `pos.lon`).
    pub fn leaves(&self) -> Vec<LeafSchema> {
        let mut out = Vec::new();
        self.push_leaves("", false, &mut out);
        out
    }

    fn push_leaves(&self, prefix: &str, cold: bool, out: &mut Vec<LeafSchema>) {
        for f in self.fields {
            let path = format!("{prefix}{}", f.name);
            match f.nested {
                Some(nested) => nested.push_leaves(&format!("{path}."), cold || f.cold, out),
                None => out.push(LeafSchema {
                    path,
                    field: *f,
                    cold: cold || f.cold,
                }),
            }
        }
    }
}
